package mistral

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Entry is one item of a conversation. The concrete types are
// *MessageInputEntry, *MessageOutputEntry, *FunctionCallEntry,
// *FunctionResultEntry, *ToolExecutionEntry, *AgentHandoffEntry and
// *UnknownEntry (an entry type this package does not know, kept as raw JSON).
type Entry interface {
	// EntryType is the entry's "type" on the wire, e.g. "function.call".
	EntryType() string
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

// EntryMeta holds the members every entry has.
type EntryMeta struct {
	Object      string     `json:"object,omitempty"` // "entry"
	Type        string     `json:"type"`
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

// UnknownEntry is an entry of a type this package does not know, kept as is.
type UnknownEntry struct {
	Type string
	Raw  json.RawMessage
}

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

// EntryType implements Entry.
func (e *UnknownEntry) EntryType() string { return e.Type }

// NewUserMessage returns a user message.input entry.
func NewUserMessage(text string) *MessageInputEntry {
	return &MessageInputEntry{EntryMeta: EntryMeta{Object: "entry", Type: EntryTypeMessageInput}, Role: "user", Content: TextContent(text)}
}

// NewFunctionResult returns the function.result entry answering a call.
func NewFunctionResult(toolCallID, result string) *FunctionResultEntry {
	return &FunctionResultEntry{EntryMeta: EntryMeta{Object: "entry", Type: EntryTypeFunctionResult}, ToolCallID: toolCallID, Result: result}
}

// withType fills the object and type members for writing.
func (m EntryMeta) withType(t string) EntryMeta {
	m.Type = t
	if m.Object == "" {
		m.Object = "entry"
	}
	return m
}

// MarshalJSON implements json.Marshaler.
func (e *MessageInputEntry) MarshalJSON() ([]byte, error) {
	type plain MessageInputEntry
	p := plain(*e)
	p.EntryMeta = p.withType(EntryTypeMessageInput)
	return encodeWithExtra(&p, e.Extra)
}

// MarshalJSON implements json.Marshaler.
func (e *MessageOutputEntry) MarshalJSON() ([]byte, error) {
	type plain MessageOutputEntry
	p := plain(*e)
	p.EntryMeta = p.withType(EntryTypeMessageOutput)
	return encodeWithExtra(&p, e.Extra)
}

// MarshalJSON implements json.Marshaler.
func (e *FunctionCallEntry) MarshalJSON() ([]byte, error) {
	type plain FunctionCallEntry
	p := plain(*e)
	p.EntryMeta = p.withType(EntryTypeFunctionCall)
	return encodeWithExtra(&p, e.Extra)
}

// MarshalJSON implements json.Marshaler.
func (e *FunctionResultEntry) MarshalJSON() ([]byte, error) {
	type plain FunctionResultEntry
	p := plain(*e)
	p.EntryMeta = p.withType(EntryTypeFunctionResult)
	return encodeWithExtra(&p, e.Extra)
}

// MarshalJSON implements json.Marshaler.
func (e *ToolExecutionEntry) MarshalJSON() ([]byte, error) {
	type plain ToolExecutionEntry
	p := plain(*e)
	p.EntryMeta = p.withType(EntryTypeToolExecution)
	return encodeWithExtra(&p, e.Extra)
}

// MarshalJSON implements json.Marshaler.
func (e *AgentHandoffEntry) MarshalJSON() ([]byte, error) {
	type plain AgentHandoffEntry
	p := plain(*e)
	p.EntryMeta = p.withType(EntryTypeAgentHandoff)
	return encodeWithExtra(&p, e.Extra)
}

// MarshalJSON writes the entry back as it came.
func (e *UnknownEntry) MarshalJSON() ([]byte, error) { return e.Raw, nil }

// UnmarshalEntry decodes one entry by its "type". An entry of an unknown type
// becomes an *UnknownEntry; only malformed JSON is an error.
func UnmarshalEntry(data []byte) (Entry, error) {
	typ, err := typeMember(data)
	if err != nil {
		return nil, fmt.Errorf("mistral: decoding entry: %w", err)
	}
	var e Entry
	decode := func(v any, extra *map[string]json.RawMessage) {
		*extra, err = decodeKeepingExtra(data, v)
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
		type plain struct {
			FunctionCallEntry
			Arguments json.RawMessage `json:"arguments"`
		}
		var p plain
		decode(&p, &x.Extra)
		if err == nil {
			*x = p.FunctionCallEntry
			x.Extra = nil
			x.Arguments, err = argumentsText(p.Arguments)
			// decodeKeepingExtra saw "arguments" as known through the outer
			// struct; recompute the extras against the entry's own fields.
			if err == nil {
				type flat FunctionCallEntry
				var f flat
				x.Extra, err = decodeKeepingExtraExcept(data, &f, "arguments")
			}
		}
		e = x
	case EntryTypeFunctionResult:
		x := &FunctionResultEntry{}
		type plain FunctionResultEntry
		decode((*plain)(x), &x.Extra)
		e = x
	case EntryTypeToolExecution:
		x := &ToolExecutionEntry{}
		type plain struct {
			ToolExecutionEntry
			Arguments json.RawMessage `json:"arguments"`
		}
		var p plain
		var ex map[string]json.RawMessage
		decode(&p, &ex)
		if err == nil {
			*x = p.ToolExecutionEntry
			x.Arguments, err = argumentsText(p.Arguments)
			if err == nil {
				type flat ToolExecutionEntry
				var f flat
				x.Extra, err = decodeKeepingExtraExcept(data, &f, "arguments")
			}
		}
		e = x
	case EntryTypeAgentHandoff:
		x := &AgentHandoffEntry{}
		type plain AgentHandoffEntry
		decode((*plain)(x), &x.Extra)
		e = x
	default:
		e = &UnknownEntry{Type: typ, Raw: append(json.RawMessage(nil), bytes.TrimSpace(data)...)}
	}
	if err != nil {
		return nil, fmt.Errorf("mistral: decoding %s entry: %w", typ, err)
	}
	return e, nil
}

// decodeKeepingExtraExcept is decodeKeepingExtra for a struct whose member
// named skip is decoded by hand: it only computes the extras.
func decodeKeepingExtraExcept(data []byte, v any, skip string) (map[string]json.RawMessage, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	known := knownKeys(derefType(v))
	known[skip] = true
	for k := range all {
		if known[k] {
			delete(all, k)
		}
	}
	if len(all) == 0 {
		return nil, nil
	}
	return all, nil
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
