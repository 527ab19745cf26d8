package mistraltest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"
)

// Script plays the model: it sees the conversation so far and the declared
// tools, and returns the next outputs (or a failure to simulate). A returned
// error becomes a 500 answer (or a conversation.response.error event).
type Script func(ctx context.Context, t *Turn) (*Reply, error)

// Turn is what a Script sees for one model turn.
type Turn struct {
	ConversationID string
	// Index counts model turns across the server, from 0.
	Index int
	// TurnInConversation counts model turns in this conversation, from 0.
	TurnInConversation int
	Model              string
	AgentID            string
	Instructions       string
	// Tools are the declared tools: the request's, or the agent's.
	Tools []Tool
	// ResponseFormat is from completion_args (the request's or the agent's).
	ResponseFormat *ResponseFormat
	// Entries is the whole conversation so far, this request's inputs included.
	Entries []Entry
	// Inputs are this request's inputs (a string input is one user message).
	Inputs []Entry
	// Confirmations are this request's tool_confirmations: tool_call_id to
	// "allow" or "deny".
	Confirmations map[string]string
	Stream        bool
}

// LastUserMessage is the text of the latest user message.input entry.
func (t *Turn) LastUserMessage() string {
	for i := len(t.Entries) - 1; i >= 0; i-- {
		if e := t.Entries[i]; e.Type == "message.input" && e.Role == "user" {
			return e.Content
		}
	}
	return ""
}

// Results maps the tool_call_id of each function.result among the inputs to its result.
func (t *Turn) Results() map[string]string {
	m := map[string]string{}
	for _, e := range t.Inputs {
		if e.Type == "function.result" {
			m[e.ToolCallID] = e.Result
		}
	}
	return m
}

// ResultOf returns the result of the latest function.result answering a call to name.
func (t *Turn) ResultOf(name string) (string, bool) {
	calls := map[string]string{}
	var res string
	var found bool
	for _, e := range t.Entries {
		switch e.Type {
		case "function.call":
			calls[e.ToolCallID] = e.Name
		case "function.result":
			if calls[e.ToolCallID] == name {
				res, found = e.Result, true
			}
		}
	}
	return res, found
}

// HasTool reports whether a function tool of that name is declared.
func (t *Turn) HasTool(name string) bool {
	for _, tl := range t.Tools {
		if tl.Name == name {
			return true
		}
	}
	return false
}

// Entry is one conversation entry, flattened.
type Entry struct {
	Type       string
	ID         string
	Role       string // message entries
	Content    string // message entries: the text (chunks' text concatenated)
	ToolCallID string // function.call, function.result
	Name       string // function.call, tool.execution
	Arguments  string // function.call, tool.execution: JSON text
	Result     string // function.result
	// ConfirmationStatus is a function.call's "pending", "allowed" or
	// "denied" ("" for a call the client executes).
	ConfirmationStatus string
	Raw                json.RawMessage
}

// Tool is one declared tool.
type Tool struct {
	Type        string // "function", "web_search", …
	Name        string // function tools
	Description string
	Parameters  json.RawMessage
	Strict      bool
	Raw         json.RawMessage
}

// ResponseFormat is a requested response format.
type ResponseFormat struct {
	Type   string // "text", "json_object", "json_schema"
	Name   string
	Schema json.RawMessage
	Strict bool
}

// Usage is token usage reported for a turn.
type Usage struct {
	PromptTokens, CompletionTokens int
}

// Reply is a Script's answer for one turn.
type Reply struct {
	Outputs []Output
	// Usage overrides the usage the server computes.
	Usage *Usage
	// Status, when not 0, answers with this HTTP status and ErrorBody (or an
	// error shaped as the API's) instead of outputs.
	Status     int
	ErrorBody  string
	RetryAfter time.Duration // sent as Retry-After with Status
	// Delay waits before answering (ended early if the client goes away).
	Delay time.Duration
	// EventDelay, on a streaming request, waits between the stream's
	// events: a model that writes slowly.
	EventDelay time.Duration
	// CutAfterEvents, when > 0 on a streaming request, ends the stream after
	// that many events, without conversation.response.done.
	CutAfterEvents int
	// Consume, on a failure reply, still records the request's inputs.
	Consume bool
	// Stall holds the turn forever, as an API that stopped answering: no
	// status, no byte, until the client goes away or the server closes. On a
	// streaming request StallAfterEvents events are sent first.
	Stall bool
	// StallAfterEvents, with Stall on a streaming request, is how many events
	// are sent (and flushed) before the stream goes silent.
	StallAfterEvents int
}

// Output is one entry the model produces.
type Output struct {
	typ     string
	pending bool // function.call awaiting a tool confirmation
	text    string
	chunks  []json.RawMessage
	name    string
	args    string
	info    map[string]any
	prevID  string
	nextID  string
}

// Text is a message.output entry with text content.
func Text(s string) Output { return Output{typ: "message.output", text: s} }

// Chunks is a message.output entry with chunk content (tool_file, tool_reference, text…).
func Chunks(chunks ...json.RawMessage) Output { return Output{typ: "message.output", chunks: chunks} }

// JSON is a message.output entry holding v encoded as JSON (a structured answer).
func JSON(v any) Output {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("mistraltest.JSON: %v", err))
	}
	return Text(string(b))
}

// Call is a function.call entry. args is marshalled to JSON; a string or
// json.RawMessage is taken as JSON text as is (so invalid JSON can be sent).
func Call(name string, args any) Output {
	var s string
	switch a := args.(type) {
	case string:
		s = a
	case json.RawMessage:
		s = string(a)
	case nil:
		s = "{}"
	default:
		b, err := json.Marshal(a)
		if err != nil {
			panic(fmt.Sprintf("mistraltest.Call: %v", err))
		}
		s = string(b)
	}
	return Output{typ: "function.call", name: name, args: s}
}

// PendingCall is a function.call the API itself holds for confirmation
// (confirmation_status "pending"), as for a tool configured with
// requires_confirmation. The client must not execute it: the next append
// answers it with tool_confirmations (allow or deny), and the script sees
// the answer in [Turn.Confirmations].
func PendingCall(name string, args any) Output {
	o := Call(name, args)
	o.pending = true
	return o
}

// ToolExecution is a built-in connector run (web_search, code_interpreter, …).
func ToolExecution(name, args string, info map[string]any) Output {
	return Output{typ: "tool.execution", name: name, args: args, info: info}
}

// Handoff is an agent.handoff entry.
func Handoff(prevAgentID, nextAgentID string) Output {
	return Output{typ: "agent.handoff", prevID: prevAgentID, nextID: nextAgentID}
}

// Respond is a reply with these outputs.
func Respond(outputs ...Output) *Reply { return &Reply{Outputs: outputs} }

// RateLimited is a 429 reply with Retry-After.
func RateLimited(retryAfter time.Duration) *Reply {
	return &Reply{Status: 429, RetryAfter: retryAfter}
}

// ServerError is a reply with a 5xx status.
func ServerError(status int) *Reply { return &Reply{Status: status} }

// Sequence plays one reply per model turn, in order, across the server; a
// turn after the last is an error.
func Sequence(replies ...*Reply) Script {
	var mu sync.Mutex
	next := 0
	return func(ctx context.Context, t *Turn) (*Reply, error) {
		mu.Lock()
		defer mu.Unlock()
		if next >= len(replies) {
			return nil, fmt.Errorf("mistraltest: script has no reply for turn %d", next)
		}
		r := replies[next]
		next++
		return r, nil
	}
}

// Echo answers every turn with the last user message's text.
func Echo() Script {
	return func(ctx context.Context, t *Turn) (*Reply, error) {
		return Respond(Text(t.LastUserMessage())), nil
	}
}

// chunkText concatenates the text of content chunks.
func chunkText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var chunks []map[string]any
	if json.Unmarshal(raw, &chunks) != nil {
		return ""
	}
	var b strings.Builder
	for _, c := range chunks {
		if t, ok := c["text"].(string); ok {
			b.WriteString(t)
		}
	}
	return b.String()
}
