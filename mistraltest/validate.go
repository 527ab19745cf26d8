package mistraltest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
)

// The members each request body and entry may have, per the API's OpenAPI
// spec (as the official TypeScript SDK 2.7.0 encodes it).
var (
	startKeys   = keys("inputs", "stream", "store", "handoff_execution", "instructions", "tools", "completion_args", "guardrails", "name", "description", "metadata", "agent_id", "agent_version", "model")
	appendKeys  = keys("inputs", "stream", "store", "handoff_execution", "completion_args", "tool_confirmations")
	restartKeys = keys("inputs", "stream", "store", "handoff_execution", "completion_args", "guardrails", "metadata", "from_entry_id", "agent_version")
	argsKeys    = keys("stop", "presence_penalty", "frequency_penalty", "temperature", "top_p", "max_tokens", "random_seed", "prediction", "response_format", "tool_choice", "reasoning_effort")
	agentKeys   = keys("instructions", "tools", "completion_args", "guardrails", "model", "name", "description", "handoffs", "metadata", "version_message", "deployment_chat")
	entryMeta   = []string{"object", "type", "created_at", "completed_at", "id"}
	entryKeys   = map[string]map[string]bool{
		"message.input":   keys(append(entryMeta, "role", "content", "prefix")...),
		"message.output":  keys(append(entryMeta, "agent_id", "model", "role", "content")...),
		"function.call":   keys(append(entryMeta, "agent_id", "model", "tool_call_id", "name", "arguments", "confirmation_status")...),
		"function.result": keys(append(entryMeta, "tool_call_id", "result")...),
		"tool.execution":  keys(append(entryMeta, "agent_id", "model", "name", "arguments", "info")...),
		"agent.handoff":   keys(append(entryMeta, "previous_agent_id", "previous_agent_name", "next_agent_id", "next_agent_name")...),
	}
	functionKeys = keys("name", "description", "strict", "parameters")
	toolNameRE   = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
)

func keys(ks ...string) map[string]bool {
	m := make(map[string]bool, len(ks))
	for _, k := range ks {
		m[k] = true
	}
	return m
}

// validationError is a request the real API would refuse with a 422.
type validationError struct {
	loc []any
	msg string
	typ string
}

func (e *validationError) Error() string { return fmt.Sprintf("%v: %s", e.loc, e.msg) }

func invalid(msg, typ string, loc ...any) *validationError {
	return &validationError{loc: loc, msg: msg, typ: typ}
}

// extraMember reports the first member of obj not in allowed (sorted, for stable errors).
func extraMember(obj map[string]json.RawMessage, allowed map[string]bool, loc ...any) *validationError {
	var extra []string
	for k := range obj {
		if !allowed[k] {
			extra = append(extra, k)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	sort.Strings(extra)
	return invalid("Extra inputs are not permitted", "extra_forbidden", append(loc, extra[0])...)
}

// parseInputs reads "inputs": a string or a list of entries.
func parseInputs(raw json.RawMessage) ([]map[string]json.RawMessage, *validationError) {
	if len(raw) == 0 {
		return nil, invalid("Field required", "missing", "inputs")
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		c, _ := json.Marshal(s)
		return []map[string]json.RawMessage{{"type": json.RawMessage(`"message.input"`), "role": json.RawMessage(`"user"`), "content": c}}, nil
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, invalid("Input should be a valid string or list of entries", "union_tag_invalid", "inputs")
	}
	for i, e := range list {
		typ := str(e["type"])
		if typ == "" {
			typ = "message.input"
			e["type"] = json.RawMessage(`"message.input"`)
		}
		allowed, ok := entryKeys[typ]
		if !ok {
			return nil, invalid(fmt.Sprintf("Input tag '%s' found using 'type' does not match any of the expected tags", typ), "union_tag_invalid", "inputs", i)
		}
		if err := extraMember(e, allowed, "inputs", i, typ); err != nil {
			return nil, err
		}
		switch typ {
		case "message.input":
			if r := str(e["role"]); r != "user" && r != "assistant" {
				return nil, invalid("Input should be 'assistant' or 'user'", "literal_error", "inputs", i, typ, "role")
			}
			if _, ok := e["content"]; !ok {
				return nil, invalid("Field required", "missing", "inputs", i, typ, "content")
			}
		case "function.result":
			if !isString(e["tool_call_id"]) {
				return nil, invalid("Field required", "missing", "inputs", i, typ, "tool_call_id")
			}
			if !isString(e["result"]) {
				return nil, invalid("Input should be a valid string", "string_type", "inputs", i, typ, "result")
			}
		case "function.call":
			if !isString(e["arguments"]) {
				return nil, invalid("Input should be a valid string", "string_type", "inputs", i, typ, "arguments")
			}
		}
	}
	return list, nil
}

// parseTools reads and checks "tools".
func parseTools(raw json.RawMessage, loc string) ([]Tool, *validationError) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, invalid("Input should be a valid list", "list_type", loc)
	}
	seen := map[string]bool{}
	var tools []Tool
	for i, t := range list {
		typ := str(t["type"])
		b, _ := json.Marshal(t)
		tool := Tool{Type: typ, Raw: b}
		if typ == "function" {
			var fn map[string]json.RawMessage
			if json.Unmarshal(t["function"], &fn) != nil {
				return nil, invalid("Field required", "missing", loc, i, "function", "function")
			}
			if err := extraMember(fn, functionKeys, loc, i, "function", "function"); err != nil {
				return nil, err
			}
			if err := extraMember(t, keys("type", "function"), loc, i, "function"); err != nil {
				return nil, err
			}
			tool.Name = str(fn["name"])
			tool.Description = str(fn["description"])
			tool.Parameters = fn["parameters"]
			_ = json.Unmarshal(fn["strict"], &tool.Strict)
			if !toolNameRE.MatchString(tool.Name) {
				return nil, invalid(fmt.Sprintf("Function name '%s' must be a-z, A-Z, 0-9, or contain underscores and dashes, with a maximum length of 64", tool.Name), "value_error", loc, i, "function", "function", "name")
			}
			var params map[string]any
			if json.Unmarshal(tool.Parameters, &params) != nil {
				return nil, invalid("Input should be a valid dictionary", "dict_type", loc, i, "function", "function", "parameters")
			}
			if seen[tool.Name] {
				return nil, invalid(fmt.Sprintf("Duplicate function name '%s'", tool.Name), "value_error", loc)
			}
			seen[tool.Name] = true
		} else if typ == "" {
			return nil, invalid("Unable to extract tag using discriminator 'type'", "union_tag_not_found", loc, i)
		}
		tools = append(tools, tool)
	}
	return tools, nil
}

// parseCompletionArgs reads and checks "completion_args"; it returns the response format.
func parseCompletionArgs(raw json.RawMessage) (*ResponseFormat, *validationError) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var args map[string]json.RawMessage
	if err := json.Unmarshal(raw, &args); err != nil {
		return nil, invalid("Input should be a valid dictionary", "dict_type", "completion_args")
	}
	if err := extraMember(args, argsKeys, "completion_args"); err != nil {
		return nil, err
	}
	rfRaw, ok := args["response_format"]
	if !ok || string(rfRaw) == "null" {
		return nil, nil
	}
	var rf struct {
		Type       string `json:"type"`
		JSONSchema *struct {
			Name   string          `json:"name"`
			Schema json.RawMessage `json:"schema"`
			Strict bool            `json:"strict"`
		} `json:"json_schema"`
	}
	if err := json.Unmarshal(rfRaw, &rf); err != nil {
		return nil, invalid("Input should be a valid dictionary", "dict_type", "completion_args", "response_format")
	}
	out := &ResponseFormat{Type: rf.Type}
	if rf.Type == "json_schema" {
		if rf.JSONSchema == nil || len(rf.JSONSchema.Schema) == 0 || string(rf.JSONSchema.Schema) == "null" || rf.JSONSchema.Name == "" {
			return nil, invalid("json_schema with a name and a schema is required for response_format json_schema", "value_error", "completion_args", "response_format", "json_schema")
		}
		out.Name, out.Schema, out.Strict = rf.JSONSchema.Name, rf.JSONSchema.Schema, rf.JSONSchema.Strict
	}
	return out, nil
}

func str(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

func isString(raw json.RawMessage) bool {
	var s string
	return len(raw) > 0 && json.Unmarshal(raw, &s) == nil
}

// decodeRequest reads a request body that must be a JSON object with only
// the allowed members, answering the API's 422 otherwise.
func decodeRequest(w http.ResponseWriter, body []byte, allowed map[string]bool) (map[string]json.RawMessage, bool) {
	var req map[string]json.RawMessage
	if err := json.Unmarshal(body, &req); err != nil {
		writeValidation(w, nil, "Input should be a valid dictionary or object", "model_attributes_type")
		return nil, false
	}
	if err := extraMember(req, allowed); err != nil {
		writeValidation(w, err.loc, err.msg, err.typ)
		return nil, false
	}
	return req, true
}
