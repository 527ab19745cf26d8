package mistral

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"

	"github.com/mcprun/mcprun/internal/jsonwrite"
)

// The conversation requests are written by hand, member by member, in
// encoding/json's order and form (a differential fuzz test holds them to
// json.Marshal byte for byte). Through encoding/json a request was
// reflection over every field of three nested levels (the request, its
// Inputs, each entry and tool, all with MarshalJSON methods), each level's
// output scanned again to check and compact it: the run's request
// encoding was about a sixth of its CPU per turn (BenchmarkTurnOverhead).
// Members whose values are rare or open (completion args, metadata, an
// agent version) and entries other than the two a run sends are still
// encoded by encoding/json, each alone.

// A jsonAppender is a request body that writes its own JSON (see above).
type jsonAppender interface {
	appendJSON(b []byte) ([]byte, bool)
}

// appendJSON writes w as json.Marshal(w) would, or reports false when w
// cannot be encoded (json.Marshal then says why).
func (w conversationWire) appendJSON(b []byte) ([]byte, bool) {
	r := w.ConversationRequest
	if r == nil {
		return b, false
	}
	b = append(b, `{"inputs":`...)
	b, ok := appendInputs(b, r.Inputs)
	if !ok {
		return b, false
	}
	b = appendStore(b, r.Store)
	b = appendStringMember(b, "handoff_execution", r.HandoffExecution)
	b = appendStringMember(b, "instructions", r.Instructions)
	if len(r.Tools) > 0 {
		b = append(b, `,"tools":[`...)
		for i, t := range r.Tools {
			if i > 0 {
				b = append(b, ',')
			}
			if b, ok = appendTool(b, t); !ok {
				return b, false
			}
		}
		b = append(b, ']')
	}
	if r.CompletionArgs != nil {
		if b, ok = appendMarshalled(b, "completion_args", r.CompletionArgs); !ok {
			return b, false
		}
	}
	b = appendStringMember(b, "name", r.Name)
	b = appendStringMember(b, "description", r.Description)
	if len(r.Metadata) > 0 {
		if b, ok = appendMarshalled(b, "metadata", r.Metadata); !ok {
			return b, false
		}
	}
	b = appendStringMember(b, "agent_id", r.AgentID)
	if len(r.AgentVersion) > 0 {
		if b, ok = appendMarshalled(b, "agent_version", r.AgentVersion); !ok {
			return b, false
		}
	}
	b = appendStringMember(b, "model", r.Model)
	return appendStream(b, w.Stream), true
}

// appendJSON: see conversationWire.appendJSON.
func (w appendWire) appendJSON(b []byte) ([]byte, bool) {
	r := w.AppendRequest
	if r == nil {
		return b, false
	}
	b = append(b, '{')
	ok := true
	if !r.Inputs.IsZero() { // omitzero
		b = append(b, `"inputs":`...)
		if b, ok = appendInputs(b, r.Inputs); !ok {
			return b, false
		}
	}
	b = appendStore(b, r.Store)
	b = appendStringMember(b, "handoff_execution", r.HandoffExecution)
	if r.CompletionArgs != nil {
		if b, ok = appendMarshalled(b, "completion_args", r.CompletionArgs); !ok {
			return b, false
		}
	}
	if len(r.ToolConfirmations) > 0 {
		b = comma(b)
		b = append(b, `"tool_confirmations":[`...)
		for i, c := range r.ToolConfirmations {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"tool_call_id":`...)
			b = jsonwrite.AppendString(b, c.ToolCallID)
			b = append(b, `,"confirmation":`...)
			b = jsonwrite.AppendString(b, c.Confirmation)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return appendStream(b, w.Stream), true
}

// appendInputs writes in as Inputs.MarshalJSON does.
func appendInputs(b []byte, in Inputs) ([]byte, bool) {
	if in.Entries != nil && in.Text != "" {
		return b, false
	}
	if in.Entries == nil {
		return jsonwrite.AppendString(b, in.Text), true
	}
	b = append(b, '[')
	for i, e := range in.Entries {
		if i > 0 {
			b = append(b, ',')
		}
		var ok bool
		if r, isResult := e.(*FunctionResultEntry); isResult && r != nil && len(r.Extra) == 0 {
			if b, ok = appendFunctionResult(b, r); !ok {
				return b, false
			}
			continue
		}
		if m := hotEntry(e); m != nil {
			raw, err := m.MarshalJSON()
			if err != nil {
				return b, false
			}
			if b, ok = appendCompact(b, raw); !ok {
				return b, false
			}
			continue
		}
		// The rest, nil included, as encoding/json writes them.
		raw, err := json.Marshal(e)
		if err != nil {
			return b, false
		}
		b = append(b, raw...)
	}
	return append(b, ']'), true
}

// appendFunctionResult writes a function result without extra members as
// its MarshalJSON does.
func appendFunctionResult(b []byte, e *FunctionResultEntry) ([]byte, bool) {
	b = append(b, `{"object":"entry","type":"function.result"`...)
	b = appendStringMember(b, "id", e.ID)
	ok := true
	if !e.CreatedAt.IsZero() {
		b = append(b, `,"created_at":`...)
		if b, ok = appendTime(b, e.CreatedAt); !ok {
			return b, false
		}
	}
	if e.CompletedAt != nil {
		b = append(b, `,"completed_at":`...)
		if b, ok = appendTime(b, *e.CompletedAt); !ok {
			return b, false
		}
	}
	b = append(b, `,"tool_call_id":`...)
	b = jsonwrite.AppendString(b, e.ToolCallID)
	b = append(b, `,"result":`...)
	b = jsonwrite.AppendString(b, e.Result)
	return append(b, '}'), true
}

// appendTime writes t as time.Time.MarshalJSON does, or reports false for
// a time it refuses (a year outside 0-9999).
func appendTime(b []byte, t time.Time) ([]byte, bool) {
	raw, err := t.MarshalJSON()
	if err != nil {
		return b, false
	}
	return append(b, raw...), true
}

// hotEntry returns e if it is one of the entries a run sends (a function
// result, a message) and not nil, else nil.
func hotEntry(e Entry) json.Marshaler {
	switch e := e.(type) {
	case *FunctionResultEntry:
		if e != nil {
			return e
		}
	case *MessageInputEntry:
		if e != nil {
			return e
		}
	}
	return nil
}

// appendTool writes t as Tool.MarshalJSON does.
func appendTool(b []byte, t Tool) ([]byte, bool) {
	f := t.Function
	if t.Raw != nil || f == nil || (t.Type != "" && t.Type != "function") {
		raw, err := t.MarshalJSON()
		if err != nil {
			return b, false
		}
		return appendCompact(b, raw)
	}
	b = append(b, `{"type":"function","function":{"name":`...)
	b = jsonwrite.AppendString(b, f.Name)
	b = appendStringMember(b, "description", f.Description)
	if f.Strict != nil {
		b = append(b, `,"strict":`...)
		b = strconv.AppendBool(b, *f.Strict)
	}
	b = append(b, `,"parameters":`...)
	if f.Parameters == nil {
		b = append(b, "null"...)
	} else {
		var ok bool
		if b, ok = appendCompact(b, f.Parameters); !ok {
			return b, false
		}
	}
	return append(b, "}}"...), true
}

// appendCompact appends raw JSON checked and compacted, with <, >, &,
// U+2028 and U+2029 escaped in its strings: what encoding/json does with a
// RawMessage or what a MarshalJSON method returns.
func appendCompact(b, raw []byte) ([]byte, bool) {
	start := len(b)
	buf := bytes.NewBuffer(b)
	if err := json.Compact(buf, raw); err != nil {
		return b, false
	}
	out := buf.Bytes()
	if bytes.ContainsAny(out[start:], "<>&\u2028\u2029") {
		var esc bytes.Buffer
		json.HTMLEscape(&esc, out[start:])
		out = append(out[:start], esc.Bytes()...)
	}
	return out, true
}

// appendMarshalled appends the member name with v encoded by encoding/json.
func appendMarshalled(b []byte, name string, v any) ([]byte, bool) {
	raw, err := json.Marshal(v)
	if err != nil {
		return b, false
	}
	b = comma(b)
	b = jsonwrite.AppendString(b, name)
	b = append(b, ':')
	return append(b, raw...), true
}

// appendStringMember appends `,"name":"value"` unless value is empty
// (omitempty).
func appendStringMember(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	b = comma(b)
	b = append(b, '"')
	b = append(b, name...) // names are plain ASCII constants
	b = append(b, `":`...)
	return jsonwrite.AppendString(b, value)
}

func appendStore(b []byte, store *bool) []byte {
	if store == nil {
		return b
	}
	b = comma(b)
	b = append(b, `"store":`...)
	return strconv.AppendBool(b, *store)
}

func appendStream(b []byte, stream bool) []byte {
	b = comma(b)
	b = append(b, `"stream":`...)
	b = strconv.AppendBool(b, stream)
	return append(b, '}')
}

// comma appends the separator before a member, unless the object has just
// opened.
func comma(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	return b
}
