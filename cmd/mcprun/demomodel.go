package main

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/mcprun/mcprun/mistraltest"
)

var possessive = regexp.MustCompile(`\b([A-Z][a-z]+)'s\b`)

// demoModel is the scripted model of `mcprun demo` and the default of
// `mcprun mock-server`: it plays the reference weather example with whatever
// tools it is given. It asks get_location for the person named in the prompt,
// then a weather tool for that place, then answers — as JSON when the
// request asks for structured output. Without tools it echoes the prompt.
func demoModel() mistraltest.Script {
	return func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		prompt := t.LastUserMessage()
		if len(t.Tools) == 0 {
			return mistraltest.Respond(mistraltest.Text("(mistraltest) You said: " + prompt)), nil
		}
		person := "John"
		if m := possessive.FindStringSubmatch(prompt); m != nil {
			person = m[1]
		}
		place := "Paris"
		if t.HasTool("get_location") {
			res, ok := t.ResultOf("get_location")
			if !ok {
				return mistraltest.Respond(mistraltest.Call("get_location", map[string]string{"name": person})), nil
			}
			place = pick(res, place, "city", "location", "name")
		}
		weather := map[string]any{}
		if tool, ok := weatherTool(t); ok {
			res, done := t.ResultOf(tool.Name)
			if !done {
				return mistraltest.Respond(mistraltest.Call(tool.Name, map[string]string{firstRequired(tool.Parameters, "location"): place})), nil
			}
			json.Unmarshal([]byte(res), &weather)
			if len(weather) == 0 {
				weather["conditions"] = res
			}
		}
		temp, _ := weather["temperature"].(float64)
		cond, _ := weather["conditions"].(string)
		if f := t.ResponseFormat; f != nil && f.Type == "json_schema" {
			return mistraltest.Respond(mistraltest.JSON(fill(f.Schema, map[string]any{
				"user": person, "name": person, "location": place, "city": place, "temperature": temp, "conditions": cond,
			}))), nil
		}
		return mistraltest.Respond(mistraltest.Text(fmt.Sprintf("%s is in %s, where it is %.1f°C (%s).", person, place, temp, cond))), nil
	}
}

func weatherTool(t *mistraltest.Turn) (mistraltest.Tool, bool) {
	for _, tl := range t.Tools {
		if tl.Type == "function" && strings.Contains(strings.ToLower(tl.Name), "weather") {
			return tl, true
		}
	}
	return mistraltest.Tool{}, false
}

// pick reads a place from a function result: a JSON object's first present
// key, a JSON string, or the text itself.
func pick(res, def string, keys ...string) string {
	var obj map[string]any
	if json.Unmarshal([]byte(res), &obj) == nil {
		for _, k := range keys {
			if s, ok := obj[k].(string); ok && s != "" {
				return s
			}
		}
		return def
	}
	var s string
	if json.Unmarshal([]byte(res), &s) == nil {
		return s
	}
	if res = strings.TrimSpace(res); res != "" && !strings.HasPrefix(res, "Error") {
		return res
	}
	return def
}

func firstRequired(schema json.RawMessage, def string) string {
	var s struct {
		Required []string `json:"required"`
	}
	if json.Unmarshal(schema, &s) == nil && len(s.Required) > 0 {
		return s.Required[0]
	}
	return def
}

// fill builds an object for a JSON Schema from known values by property
// name, with zero values for the rest.
func fill(schema json.RawMessage, known map[string]any) map[string]any {
	var s struct {
		Properties map[string]struct {
			Type any `json:"type"`
		} `json:"properties"`
	}
	json.Unmarshal(schema, &s)
	out := map[string]any{}
	for name, p := range s.Properties {
		if v, ok := known[name]; ok {
			out[name] = v
			continue
		}
		switch fmt.Sprint(p.Type) {
		case "number", "integer":
			out[name] = 0
		case "boolean":
			out[name] = false
		case "array":
			out[name] = []any{}
		case "object":
			out[name] = map[string]any{}
		default:
			out[name] = ""
		}
	}
	return out
}
