package mistral

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Entry is one item of a conversation. It is a closed sum type: the
// concrete types are exactly *MessageInputEntry, *MessageOutputEntry,
// *FunctionCallEntry, *FunctionResultEntry, *ToolExecutionEntry,
// *AgentHandoffEntry and *UnknownEntry (an entry type this package does not
// know, kept as raw JSON); no other package can add one. The Go type is the
// entry's type: switch on it. EntryType names it as the wire does.
type Entry interface {
	// EntryType is the entry's "type" on the wire, e.g. "function.call",
	// which each concrete type determines.
	EntryType() string
	// isEntry closes the set of entry types.
	isEntry()
}

// Entry type names on the wire.
const (
	EntryTypeMessageInput   = "message.input"
	EntryTypeMessageOutput  = "message.output"
	EntryTypeFunctionCall   = "function.call"
	EntryTypeFunctionResult = "function.result"
	EntryTypeToolExecution  = "tool.execution"
	EntryTypeAgentHandoff   = "agent.handoff"
)

// EntryMeta holds the members every entry has. The "object" ("entry") and
// "type" members are not fields: the entry's Go type determines them, and
// they are written from it.
type EntryMeta struct {
	ID          string     `json:"id,omitempty"`
	CreatedAt   time.Time  `json:"created_at,omitzero"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
}

// MessageInputEntry is a message given to the model (role "user" or "assistant").
type MessageInputEntry struct {
	EntryMeta
	Role    string                     `json:"role"`
	Content Content                    `json:"content"`
	Prefix  bool                       `json:"prefix,omitempty"`
	Extra   map[string]json.RawMessage `json:"-"`
}

// MessageOutputEntry is a message the model (or an agent) wrote.
type MessageOutputEntry struct {
	EntryMeta
	AgentID string                     `json:"agent_id,omitempty"`
	Model   string                     `json:"model,omitempty"`
	Role    string                     `json:"role,omitempty"` // "assistant"
	Content Content                    `json:"content"`
	Extra   map[string]json.RawMessage `json:"-"`
}

// FunctionCallEntry is the model asking for a function (tool) call that the
// client executes. Arguments is JSON text; the API sends it as a string, and an
// object is accepted too (its JSON text is kept).
type FunctionCallEntry struct {
	EntryMeta
	AgentID            string                     `json:"agent_id,omitempty"`
	Model              string                     `json:"model,omitempty"`
	ToolCallID         string                     `json:"tool_call_id"`
	Name               string                     `json:"name"`
	Arguments          string                     `json:"arguments"`
	ConfirmationStatus string                     `json:"confirmation_status,omitempty"`
	Extra              map[string]json.RawMessage `json:"-"`
}

// FunctionResultEntry is the client's answer to a FunctionCallEntry.
type FunctionResultEntry struct {
	EntryMeta
	ToolCallID string                     `json:"tool_call_id"`
	Result     string                     `json:"result"`
	Extra      map[string]json.RawMessage `json:"-"`
}

// ToolExecutionEntry is a built-in connector run on the server (web_search,
// code_interpreter, image_generation, document_library, a custom connector).
type ToolExecutionEntry struct {
	EntryMeta
	AgentID   string                     `json:"agent_id,omitempty"`
	Model     string                     `json:"model,omitempty"`
	Name      string                     `json:"name"`
	Arguments string                     `json:"arguments"`
	Info      map[string]any             `json:"info,omitempty"`
	Extra     map[string]json.RawMessage `json:"-"`
}

// AgentHandoffEntry records one agent handing the conversation to another.
type AgentHandoffEntry struct {
	EntryMeta
	PreviousAgentID   string                     `json:"previous_agent_id"`
	PreviousAgentName string                     `json:"previous_agent_name"`
	NextAgentID       string                     `json:"next_agent_id"`
	NextAgentName     string                     `json:"next_agent_name"`
	Extra             map[string]json.RawMessage `json:"-"`
}

// UnknownEntry is an entry of a type this package does not know, kept as
// it came and written back unchanged. It is read-only: only decoding makes
// one.
type UnknownEntry struct {
	typ string
	raw json.RawMessage
}

// Raw returns a copy of the entry's JSON as it came.
func (e *UnknownEntry) Raw() json.RawMessage { return append(json.RawMessage(nil), e.raw...) }

// EntryType implements Entry.
func (e *MessageInputEntry) EntryType() string { return EntryTypeMessageInput }

// EntryType implements Entry.
func (e *MessageOutputEntry) EntryType() string { return EntryTypeMessageOutput }

// EntryType implements Entry.
func (e *FunctionCallEntry) EntryType() string { return EntryTypeFunctionCall }

// EntryType implements Entry.
func (e *FunctionResultEntry) EntryType() string { return EntryTypeFunctionResult }

// EntryType implements Entry.
func (e *ToolExecutionEntry) EntryType() string { return EntryTypeToolExecution }

// EntryType implements Entry.
func (e *AgentHandoffEntry) EntryType() string { return EntryTypeAgentHandoff }

// EntryType returns the entry's "type" as it came.
func (e *UnknownEntry) EntryType() string { return e.typ }

func (*MessageInputEntry) isEntry()   {}
func (*MessageOutputEntry) isEntry()  {}
func (*FunctionCallEntry) isEntry()   {}
func (*FunctionResultEntry) isEntry() {}
func (*ToolExecutionEntry) isEntry()  {}
func (*AgentHandoffEntry) isEntry()   {}
func (*UnknownEntry) isEntry()        {}

// NewUserMessage returns a user message.input entry.
func NewUserMessage(text string) *MessageInputEntry {
	return &MessageInputEntry{Role: "user", Content: TextContent(text)}
}

// NewFunctionResult returns the function.result entry answering a call.
func NewFunctionResult(toolCallID, result string) *FunctionResultEntry {
	return &FunctionResultEntry{ToolCallID: toolCallID, Result: result}
}

// encodeEntry writes an entry: the "object" and "type" members its Go type
// determines, then its fields (v points to a method-less copy of the entry
// type, so that encoding does not recurse), then the members kept from
// decoding.
func encodeEntry(typ string, v any, extra map[string]json.RawMessage) ([]byte, error) {
	return encodeHeaded([]member{{"object", "entry"}, {"type", typ}}, v, extra)
}

// MarshalJSON implements json.Marshaler.
func (e *MessageInputEntry) MarshalJSON() ([]byte, error) {
	type plain MessageInputEntry
	return encodeEntry(EntryTypeMessageInput, (*plain)(e), e.Extra)
}

// MarshalJSON implements json.Marshaler.
func (e *MessageOutputEntry) MarshalJSON() ([]byte, error) {
	type plain MessageOutputEntry
	return encodeEntry(EntryTypeMessageOutput, (*plain)(e), e.Extra)
}

// MarshalJSON implements json.Marshaler.
func (e *FunctionCallEntry) MarshalJSON() ([]byte, error) {
	type plain FunctionCallEntry
	return encodeEntry(EntryTypeFunctionCall, (*plain)(e), e.Extra)
}

// MarshalJSON implements json.Marshaler.
func (e *FunctionResultEntry) MarshalJSON() ([]byte, error) {
	type plain FunctionResultEntry
	return encodeEntry(EntryTypeFunctionResult, (*plain)(e), e.Extra)
}

// MarshalJSON implements json.Marshaler.
func (e *ToolExecutionEntry) MarshalJSON() ([]byte, error) {
	type plain ToolExecutionEntry
	return encodeEntry(EntryTypeToolExecution, (*plain)(e), e.Extra)
}

// MarshalJSON implements json.Marshaler.
func (e *AgentHandoffEntry) MarshalJSON() ([]byte, error) {
	type plain AgentHandoffEntry
	return encodeEntry(EntryTypeAgentHandoff, (*plain)(e), e.Extra)
}

// MarshalJSON writes the entry back as it came.
func (e *UnknownEntry) MarshalJSON() ([]byte, error) { return e.raw, nil }

// UnmarshalEntry decodes one entry by its "type". An entry of an unknown type
// becomes an *UnknownEntry; only malformed JSON is an error.
//
// The entry's text is read once, into its members; each member is then
// decoded into its field, matched by the type's cached field table.
func UnmarshalEntry(data []byte) (Entry, error) {
	if e, ok := unmarshalEntryFast(data); ok {
		return e, nil
	}
	return unmarshalEntry(data)
}

// The method-less copies of the entry types that json.Unmarshal fills.
type (
	plainMessageInput   MessageInputEntry
	plainMessageOutput  MessageOutputEntry
	plainFunctionCall   FunctionCallEntry
	plainFunctionResult FunctionResultEntry
	plainToolExecution  ToolExecutionEntry
	plainAgentHandoff   AgentHandoffEntry
)

// unmarshalEntryFast decodes, in one json.Unmarshal, an entry of a known
// type whose members all have a field (no extras to keep) and whose
// arguments, if any, are a string: what the API sends. Anything else
// (ok false) takes the general path.
func unmarshalEntryFast(data []byte) (e Entry, ok bool) {
	var m scanned
	if !scanMembers(data, &m) {
		return nil, false
	}
	typ, ok := plainString(m.value("type"))
	if !ok {
		return nil, false
	}
	var v any
	switch typ {
	case EntryTypeMessageInput:
		x := &MessageInputEntry{}
		e, v = x, (*plainMessageInput)(x)
	case EntryTypeMessageOutput:
		x := &MessageOutputEntry{}
		e, v = x, (*plainMessageOutput)(x)
	case EntryTypeFunctionCall:
		x := &FunctionCallEntry{}
		e, v = x, (*plainFunctionCall)(x)
	case EntryTypeFunctionResult:
		x := &FunctionResultEntry{}
		e, v = x, (*plainFunctionResult)(x)
	case EntryTypeToolExecution:
		x := &ToolExecutionEntry{}
		e, v = x, (*plainToolExecution)(x)
	case EntryTypeAgentHandoff:
		x := &AgentHandoffEntry{}
		e, v = x, (*plainAgentHandoff)(x)
	default:
		return nil, false
	}
	info := infoOf(derefType(v))
	for i, name := range m.names[:m.n] {
		switch string(name) {
		case "type", "object":
			continue
		case "arguments":
			if val := m.values[i]; len(val) == 0 || val[0] != '"' {
				return nil, false // an object: argumentsText keeps its text
			}
		}
		if _, known := info.fields[string(name)]; !known {
			return nil, false
		}
	}
	// Each member is set in its field: a plain string as it is, a time by
	// its own method, anything else by json.Unmarshal of that member
	// alone. One json.Unmarshal of the whole entry did the same through
	// reflection over every member, after a scan of the whole text to
	// check it; here each value is checked by what decodes it, and type
	// and object, which nothing decodes, are checked apart.
	rv := reflect.ValueOf(v).Elem()
	for i, name := range m.names[:m.n] {
		raw := m.values[i]
		switch string(name) {
		case "type", "object":
			if _, ok := plainString(raw); !ok && !json.Valid(raw) {
				return nil, false
			}
			continue
		}
		f := rv.FieldByIndex(info.fields[string(name)])
		switch info.plain[string(name)] {
		case kindString:
			if s, ok := plainString(raw); ok {
				f.SetString(s)
				continue
			}
		case kindTime:
			if f.Addr().Interface().(*time.Time).UnmarshalJSON(raw) != nil {
				return nil, false
			}
			continue
		}
		if json.Unmarshal(raw, f.Addr().Interface()) != nil {
			return nil, false
		}
	}
	return e, true
}

// unmarshalEntry is UnmarshalEntry's general path.
func unmarshalEntry(data []byte) (Entry, error) {
	all, err := decodeMembers(data)
	if err != nil {
		return nil, fmt.Errorf("mistral: decoding entry: %w", err)
	}
	typ, err := typeOf(all)
	if err != nil {
		return nil, fmt.Errorf("mistral: decoding entry: %w", err)
	}
	var e Entry
	decode := func(v any, extra *map[string]json.RawMessage) {
		*extra, err = fillKeepingExtra(all, v, "object", "type")
	}
	// arguments is a string of JSON text, or an object: decoded by hand.
	arguments := func() json.RawMessage {
		raw := all["arguments"]
		delete(all, "arguments")
		return raw
	}
	switch typ {
	case EntryTypeMessageInput:
		x := &MessageInputEntry{}
		type plain MessageInputEntry
		decode((*plain)(x), &x.Extra)
		e = x
	case EntryTypeMessageOutput:
		x := &MessageOutputEntry{}
		type plain MessageOutputEntry
		decode((*plain)(x), &x.Extra)
		e = x
	case EntryTypeFunctionCall:
		x := &FunctionCallEntry{}
		type plain FunctionCallEntry
		args := arguments()
		decode((*plain)(x), &x.Extra)
		if err == nil {
			x.Arguments, err = argumentsText(args)
		}
		e = x
	case EntryTypeFunctionResult:
		x := &FunctionResultEntry{}
		type plain FunctionResultEntry
		decode((*plain)(x), &x.Extra)
		e = x
	case EntryTypeToolExecution:
		x := &ToolExecutionEntry{}
		type plain ToolExecutionEntry
		args := arguments()
		decode((*plain)(x), &x.Extra)
		if err == nil {
			x.Arguments, err = argumentsText(args)
		}
		e = x
	case EntryTypeAgentHandoff:
		x := &AgentHandoffEntry{}
		type plain AgentHandoffEntry
		decode((*plain)(x), &x.Extra)
		e = x
	default:
		e = &UnknownEntry{typ: typ, raw: append(json.RawMessage(nil), bytes.TrimSpace(data)...)}
	}
	if err != nil {
		return nil, fmt.Errorf("mistral: decoding %s entry: %w", typ, err)
	}
	return e, nil
}

// argumentsText turns function-call arguments into JSON text: the API sends
// a JSON string holding JSON; an object is accepted too.
func argumentsText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return "", nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	}
	// As a Go string it is re-encoded later: invalid UTF-8 would come back
	// as U+FFFD, so make it that now, once.
	return strings.ToValidUTF8(string(raw), "\uFFFD"), nil
}

// Entries is a list of entries that decodes each by its type.
type Entries []Entry

// UnmarshalJSON implements json.Unmarshaler.
func (es *Entries) UnmarshalJSON(data []byte) error {
	// Split without copying: each entry's decoder copies what it keeps.
	var buf [32]int
	if bounds, ok := splitArray(data, buf[:0]); ok {
		out := make(Entries, 0, len(bounds)/2)
		for k := 0; k < len(bounds); k += 2 {
			e, err := UnmarshalEntry(data[bounds[k]:bounds[k+1]])
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		*es = out
		return nil
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		return fmt.Errorf("mistral: decoding entries: %w", err)
	}
	out := make(Entries, 0, len(raws))
	for _, r := range raws {
		e, err := UnmarshalEntry(r)
		if err != nil {
			return err
		}
		out = append(out, e)
	}
	*es = out
	return nil
}
