package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/run"
)

// elicit answers a server's request for input (MCP elicitation) on the
// terminal: a form built from the requested schema (a line per field,
// enums and defaults shown), or a URL to open. Without a terminal on stdin
// nobody can answer: the request is declined, and said so on stderr.
func (a *app) elicit(ctx context.Context, req *run.ElicitationRequest) (*mcp.ElicitResult, error) {
	p := req.Params
	if p == nil {
		return &mcp.ElicitResult{Action: "decline"}, nil
	}
	a.promptMu.Lock()
	defer a.promptMu.Unlock()
	who := req.Server
	if who == "" {
		who = "a server"
	}
	if !a.interactive() {
		fmt.Fprintf(a.stderr, "mcprun: %s asks for input (%s); declined: stdin is not a terminal\n", who, clip(p.Message, 200))
		return &mcp.ElicitResult{Action: "decline"}, nil
	}
	in := a.lines()
	if p.Mode == "url" || (p.Mode == "" && p.URL != "") {
		fmt.Fprintf(a.stderr, "%s asks you to open:\n  %s\n%s\nDone (y), or decline (N)? ", who, p.URL, p.Message)
		line, err := in.ReadString('\n')
		if err != nil && line == "" {
			return &mcp.ElicitResult{Action: "cancel"}, nil
		}
		if yes(line) {
			return &mcp.ElicitResult{Action: "accept"}, nil
		}
		return &mcp.ElicitResult{Action: "decline"}, nil
	}
	fields, err := formFields(p.RequestedSchema)
	if err != nil {
		fmt.Fprintf(a.stderr, "mcprun: %s asks for input with a form mcprun cannot show (%v); declined\n", who, err)
		return &mcp.ElicitResult{Action: "decline"}, nil
	}
	fmt.Fprintf(a.stderr, "%s asks: %s\n(an empty line keeps the default or skips an optional field; end of input cancels)\n", who, p.Message)
	content := map[string]any{}
	for _, f := range fields {
		for tries := 0; ; tries++ {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			fmt.Fprintf(a.stderr, "  %s: ", f.label())
			line, err := in.ReadString('\n')
			if err != nil && line == "" {
				if errors.Is(err, io.EOF) {
					return &mcp.ElicitResult{Action: "cancel"}, nil
				}
				return nil, err
			}
			v, ok, msg := f.parse(strings.TrimSpace(line))
			if msg == "" {
				if ok {
					content[f.name] = v
				}
				break
			}
			fmt.Fprintf(a.stderr, "    %s\n", msg)
			if tries >= 2 {
				return &mcp.ElicitResult{Action: "cancel"}, nil
			}
		}
	}
	return &mcp.ElicitResult{Action: "accept", Content: content}, nil
}

// interactive reports whether a person can answer on stdin.
func (a *app) interactive() bool {
	if a.stdinTerminal != nil {
		return *a.stdinTerminal
	}
	return a.stdinIsTerminal()
}

func yes(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "y", "yes":
		return true
	}
	return false
}

// A formField is one top-level property of a requested schema (MCP allows
// flat forms of strings, numbers, booleans and enums).
type formField struct {
	name     string
	schema   *jsonschema.Schema
	required bool
}

func (f formField) label() string {
	s := f.name
	if f.schema.Title != "" {
		s = f.schema.Title
	}
	if f.schema.Description != "" {
		s += " (" + f.schema.Description + ")"
	}
	if opts := f.options(); len(opts) > 0 {
		s += " [" + strings.Join(opts, "/") + "]"
	} else if f.kind() == "boolean" {
		s += " [y/n]"
	}
	if f.schema.Default != nil {
		s += " default " + string(f.schema.Default)
	}
	if f.required {
		s += " *"
	}
	return s
}

func (f formField) kind() string {
	if f.schema.Type != "" {
		return f.schema.Type
	}
	if len(f.schema.Types) > 0 {
		return f.schema.Types[0]
	}
	return "string"
}

// options are an enum's values (enum, or oneOf with const and title).
func (f formField) options() []string {
	var out []string
	for _, v := range f.schema.Enum {
		out = append(out, fmt.Sprint(v))
	}
	for _, s := range f.schema.OneOf {
		if s.Const != nil {
			out = append(out, fmt.Sprint(*s.Const))
		}
	}
	if f.schema.Items != nil {
		for _, v := range f.schema.Items.Enum {
			out = append(out, fmt.Sprint(v))
		}
	}
	return out
}

// parse reads one answer: its value, whether to set it, or a message to
// ask again.
func (f formField) parse(s string) (any, bool, string) {
	if s == "" {
		if f.schema.Default != nil {
			var v any
			if json.Unmarshal(f.schema.Default, &v) == nil {
				return v, true, ""
			}
		}
		if f.required {
			return nil, false, "required"
		}
		return nil, false, ""
	}
	if opts := f.options(); len(opts) > 0 && f.kind() != "array" && !slices.Contains(opts, s) {
		return nil, false, "one of: " + strings.Join(opts, ", ")
	}
	switch f.kind() {
	case "boolean":
		switch strings.ToLower(s) {
		case "y", "yes", "true":
			return true, true, ""
		case "n", "no", "false":
			return false, true, ""
		}
		return nil, false, "y or n"
	case "integer":
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, false, "a whole number"
		}
		return n, true, ""
	case "number":
		n, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, false, "a number"
		}
		return n, true, ""
	case "array":
		var out []any
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
		return out, true, ""
	}
	return s, true, ""
}

// formFields reads a requested schema's properties.
func formFields(schema any) ([]formField, error) {
	raw, err := json.Marshal(schema)
	if err != nil {
		return nil, err
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	order := propertyOrder(raw)
	for name := range s.Properties {
		if !slices.Contains(order, name) {
			order = append(order, name)
		}
	}
	var out []formField
	for _, name := range order {
		ps, ok := s.Properties[name]
		if !ok || ps == nil {
			continue
		}
		out = append(out, formField{name: name, schema: ps, required: slices.Contains(s.Required, name)})
	}
	// Required fields first; otherwise the server's order (which a decoded
	// schema has lost: then by name).
	slices.SortStableFunc(out, func(x, y formField) int {
		switch {
		case x.required == y.required:
			return 0
		case x.required:
			return -1
		}
		return 1
	})
	return out, nil
}

// propertyOrder returns the keys of a schema's "properties" in the order
// they were written.
func propertyOrder(raw []byte) []string {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(top["properties"]))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		if k, ok := t.(string); ok {
			keys = append(keys, k)
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
	}
	return keys
}
