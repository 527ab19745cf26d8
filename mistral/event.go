package mistral

import (
	"encoding/json"
	"fmt"
	"time"
)

// Event is one Server-Sent Event of a streamed conversation. The concrete
// types are *ResponseStartedEvent, *MessageOutputDeltaEvent,
// *FunctionCallDeltaEvent, *ToolExecutionStartedEvent,
// *ToolExecutionDeltaEvent, *ToolExecutionDoneEvent,
// *AgentHandoffStartedEvent, *AgentHandoffDoneEvent, *ResponseDoneEvent,
// *ResponseErrorEvent and *UnknownEvent (a type this package does not know).
//
// Event is open, unlike Entry and Chunk: package run adds its own events to
// the stream a run yields. The Go type is the event's type; the events of
// this package have no Type field, and encode their "type" from EventType.
type Event interface {
	// EventType is the event's "type", e.g. "message.output.delta".
	EventType() string
}

// Event type names on the wire.
const (
	EventResponseStarted      = "conversation.response.started"
	EventResponseDone         = "conversation.response.done"
	EventResponseError        = "conversation.response.error"
	EventMessageOutputDelta   = "message.output.delta"
	EventFunctionCallDelta    = "function.call.delta"
	EventToolExecutionStarted = "tool.execution.started"
	EventToolExecutionDelta   = "tool.execution.delta"
	EventToolExecutionDone    = "tool.execution.done"
	EventAgentHandoffStarted  = "agent.handoff.started"
	EventAgentHandoffDone     = "agent.handoff.done"
)

// ResponseStartedEvent opens a streamed response.
type ResponseStartedEvent struct {
	CreatedAt      time.Time `json:"created_at,omitzero"`
	ConversationID string    `json:"conversation_id"`
}

// MessageOutputDeltaEvent is a piece of a message.output entry. Content is a
// string or one chunk.
type MessageOutputDeltaEvent struct {
	CreatedAt    time.Time `json:"created_at,omitzero"`
	OutputIndex  int       `json:"output_index"`
	ID           string    `json:"id"`
	ContentIndex int       `json:"content_index"`
	Model        string    `json:"model,omitempty"`
	AgentID      string    `json:"agent_id,omitempty"`
	Role         string    `json:"role"`
	Content      Content   `json:"content"`
}

// FunctionCallDeltaEvent is a piece of a function.call entry: the first
// carries the name and ids, each carries a fragment of the arguments.
type FunctionCallDeltaEvent struct {
	CreatedAt          time.Time `json:"created_at,omitzero"`
	OutputIndex        int       `json:"output_index"`
	ID                 string    `json:"id"`
	Model              string    `json:"model,omitempty"`
	AgentID            string    `json:"agent_id,omitempty"`
	Name               string    `json:"name"`
	ToolCallID         string    `json:"tool_call_id"`
	Arguments          string    `json:"arguments"`
	ConfirmationStatus string    `json:"confirmation_status,omitempty"`
}

// ToolExecutionStartedEvent opens a built-in tool run.
type ToolExecutionStartedEvent struct {
	CreatedAt   time.Time `json:"created_at,omitzero"`
	OutputIndex int       `json:"output_index"`
	ID          string    `json:"id"`
	Model       string    `json:"model,omitempty"`
	AgentID     string    `json:"agent_id,omitempty"`
	Name        string    `json:"name"`
	Arguments   string    `json:"arguments"`
}

// ToolExecutionDeltaEvent is a fragment of a built-in tool run's arguments.
type ToolExecutionDeltaEvent struct {
	CreatedAt   time.Time `json:"created_at,omitzero"`
	OutputIndex int       `json:"output_index"`
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Arguments   string    `json:"arguments"`
}

// ToolExecutionDoneEvent closes a built-in tool run.
type ToolExecutionDoneEvent struct {
	CreatedAt   time.Time      `json:"created_at,omitzero"`
	OutputIndex int            `json:"output_index"`
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Info        map[string]any `json:"info,omitempty"`
}

// AgentHandoffStartedEvent opens a handoff.
type AgentHandoffStartedEvent struct {
	CreatedAt         time.Time `json:"created_at,omitzero"`
	OutputIndex       int       `json:"output_index"`
	ID                string    `json:"id"`
	PreviousAgentID   string    `json:"previous_agent_id"`
	PreviousAgentName string    `json:"previous_agent_name"`
}

// AgentHandoffDoneEvent closes a handoff.
type AgentHandoffDoneEvent struct {
	CreatedAt     time.Time `json:"created_at,omitzero"`
	OutputIndex   int       `json:"output_index"`
	ID            string    `json:"id"`
	NextAgentID   string    `json:"next_agent_id"`
	NextAgentName string    `json:"next_agent_name"`
}

// ResponseDoneEvent closes a streamed response.
type ResponseDoneEvent struct {
	CreatedAt time.Time `json:"created_at,omitzero"`
	Usage     Usage     `json:"usage"`
}

// ResponseErrorEvent reports that the response failed on the server.
type ResponseErrorEvent struct {
	CreatedAt time.Time `json:"created_at,omitzero"`
	Message   string    `json:"message"`
	Code      int       `json:"code"`
}

// UnknownEvent is an event of a type this package does not know, kept as
// it came. It is read-only: only decoding makes one.
type UnknownEvent struct {
	typ string
	raw json.RawMessage
}

// Raw returns a copy of the event's data as it came.
func (e *UnknownEvent) Raw() json.RawMessage { return append(json.RawMessage(nil), e.raw...) }

// EventType implements Event.
func (e *ResponseStartedEvent) EventType() string { return EventResponseStarted }

// EventType implements Event.
func (e *MessageOutputDeltaEvent) EventType() string { return EventMessageOutputDelta }

// EventType implements Event.
func (e *FunctionCallDeltaEvent) EventType() string { return EventFunctionCallDelta }

// EventType implements Event.
func (e *ToolExecutionStartedEvent) EventType() string { return EventToolExecutionStarted }

// EventType implements Event.
func (e *ToolExecutionDeltaEvent) EventType() string { return EventToolExecutionDelta }

// EventType implements Event.
func (e *ToolExecutionDoneEvent) EventType() string { return EventToolExecutionDone }

// EventType implements Event.
func (e *AgentHandoffStartedEvent) EventType() string { return EventAgentHandoffStarted }

// EventType implements Event.
func (e *AgentHandoffDoneEvent) EventType() string { return EventAgentHandoffDone }

// EventType implements Event.
func (e *ResponseDoneEvent) EventType() string { return EventResponseDone }

// EventType implements Event.
func (e *ResponseErrorEvent) EventType() string { return EventResponseError }

// EventType implements Event.
func (e *UnknownEvent) EventType() string { return e.typ }

// MarshalJSON writes the event with its "type" first.
func (e *ResponseStartedEvent) MarshalJSON() ([]byte, error) {
	type plain ResponseStartedEvent
	return encodeHeaded([]member{{"type", e.EventType()}}, (*plain)(e), nil)
}

// MarshalJSON writes the event with its "type" first.
func (e *MessageOutputDeltaEvent) MarshalJSON() ([]byte, error) {
	type plain MessageOutputDeltaEvent
	return encodeHeaded([]member{{"type", e.EventType()}}, (*plain)(e), nil)
}

// MarshalJSON writes the event with its "type" first.
func (e *FunctionCallDeltaEvent) MarshalJSON() ([]byte, error) {
	type plain FunctionCallDeltaEvent
	return encodeHeaded([]member{{"type", e.EventType()}}, (*plain)(e), nil)
}

// MarshalJSON writes the event with its "type" first.
func (e *ToolExecutionStartedEvent) MarshalJSON() ([]byte, error) {
	type plain ToolExecutionStartedEvent
	return encodeHeaded([]member{{"type", e.EventType()}}, (*plain)(e), nil)
}

// MarshalJSON writes the event with its "type" first.
func (e *ToolExecutionDeltaEvent) MarshalJSON() ([]byte, error) {
	type plain ToolExecutionDeltaEvent
	return encodeHeaded([]member{{"type", e.EventType()}}, (*plain)(e), nil)
}

// MarshalJSON writes the event with its "type" first.
func (e *ToolExecutionDoneEvent) MarshalJSON() ([]byte, error) {
	type plain ToolExecutionDoneEvent
	return encodeHeaded([]member{{"type", e.EventType()}}, (*plain)(e), nil)
}

// MarshalJSON writes the event with its "type" first.
func (e *AgentHandoffStartedEvent) MarshalJSON() ([]byte, error) {
	type plain AgentHandoffStartedEvent
	return encodeHeaded([]member{{"type", e.EventType()}}, (*plain)(e), nil)
}

// MarshalJSON writes the event with its "type" first.
func (e *AgentHandoffDoneEvent) MarshalJSON() ([]byte, error) {
	type plain AgentHandoffDoneEvent
	return encodeHeaded([]member{{"type", e.EventType()}}, (*plain)(e), nil)
}

// MarshalJSON writes the event with its "type" first.
func (e *ResponseDoneEvent) MarshalJSON() ([]byte, error) {
	type plain ResponseDoneEvent
	return encodeHeaded([]member{{"type", e.EventType()}}, (*plain)(e), nil)
}

// MarshalJSON writes the event with its "type" first.
func (e *ResponseErrorEvent) MarshalJSON() ([]byte, error) {
	type plain ResponseErrorEvent
	return encodeHeaded([]member{{"type", e.EventType()}}, (*plain)(e), nil)
}

// MarshalJSON writes the event back as it came.
func (e *UnknownEvent) MarshalJSON() ([]byte, error) { return e.raw, nil }

// UnmarshalEvent decodes an event's data. typ is the SSE "event" field; when
// empty, the "type" member of the data is used. Unknown types become
// *UnknownEvent; only malformed JSON is an error.
func UnmarshalEvent(typ string, data []byte) (Event, error) {
	if typ == "" {
		t, err := typeMember(data)
		if err != nil {
			return nil, fmt.Errorf("mistral: decoding event: %w", err)
		}
		typ = t
	}
	var e Event
	switch typ {
	case EventResponseStarted:
		e = &ResponseStartedEvent{}
	case EventMessageOutputDelta:
		e = &MessageOutputDeltaEvent{}
	case EventFunctionCallDelta:
		e = &FunctionCallDeltaEvent{}
	case EventToolExecutionStarted:
		e = &ToolExecutionStartedEvent{}
	case EventToolExecutionDelta:
		e = &ToolExecutionDeltaEvent{}
	case EventToolExecutionDone:
		e = &ToolExecutionDoneEvent{}
	case EventAgentHandoffStarted:
		e = &AgentHandoffStartedEvent{}
	case EventAgentHandoffDone:
		e = &AgentHandoffDoneEvent{}
	case EventResponseDone:
		e = &ResponseDoneEvent{}
	case EventResponseError:
		e = &ResponseErrorEvent{}
	default:
		if !json.Valid(data) {
			return nil, fmt.Errorf("mistral: decoding %q event: invalid JSON", typ)
		}
		return &UnknownEvent{typ: typ, raw: append(json.RawMessage(nil), data...)}, nil
	}
	if err := json.Unmarshal(data, e); err != nil {
		return nil, fmt.Errorf("mistral: decoding %q event: %w", typ, err)
	}
	return e, nil
}
