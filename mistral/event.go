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
	Type           string    `json:"type"`
	CreatedAt      time.Time `json:"created_at,omitzero"`
	ConversationID string    `json:"conversation_id"`
}

// MessageOutputDeltaEvent is a piece of a message.output entry. Content is a
// string or one chunk.
type MessageOutputDeltaEvent struct {
	Type         string    `json:"type"`
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
	Type               string    `json:"type"`
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
	Type        string    `json:"type"`
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
	Type        string    `json:"type"`
	CreatedAt   time.Time `json:"created_at,omitzero"`
	OutputIndex int       `json:"output_index"`
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Arguments   string    `json:"arguments"`
}

// ToolExecutionDoneEvent closes a built-in tool run.
type ToolExecutionDoneEvent struct {
	Type        string         `json:"type"`
	CreatedAt   time.Time      `json:"created_at,omitzero"`
	OutputIndex int            `json:"output_index"`
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Info        map[string]any `json:"info,omitempty"`
}

// AgentHandoffStartedEvent opens a handoff.
type AgentHandoffStartedEvent struct {
	Type              string    `json:"type"`
	CreatedAt         time.Time `json:"created_at,omitzero"`
	OutputIndex       int       `json:"output_index"`
	ID                string    `json:"id"`
	PreviousAgentID   string    `json:"previous_agent_id"`
	PreviousAgentName string    `json:"previous_agent_name"`
}

// AgentHandoffDoneEvent closes a handoff.
type AgentHandoffDoneEvent struct {
	Type          string    `json:"type"`
	CreatedAt     time.Time `json:"created_at,omitzero"`
	OutputIndex   int       `json:"output_index"`
	ID            string    `json:"id"`
	NextAgentID   string    `json:"next_agent_id"`
	NextAgentName string    `json:"next_agent_name"`
}

// ResponseDoneEvent closes a streamed response.
type ResponseDoneEvent struct {
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	Usage     Usage     `json:"usage"`
}

// ResponseErrorEvent reports that the response failed on the server.
type ResponseErrorEvent struct {
	Type      string    `json:"type"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	Message   string    `json:"message"`
	Code      int       `json:"code"`
}

// UnknownEvent is an event of a type this package does not know, kept as is.
type UnknownEvent struct {
	Type string
	Raw  json.RawMessage
}

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
func (e *UnknownEvent) EventType() string { return e.Type }

// MarshalJSON writes the event back as it came.
func (e *UnknownEvent) MarshalJSON() ([]byte, error) { return e.Raw, nil }

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
		return &UnknownEvent{Type: typ, Raw: append(json.RawMessage(nil), data...)}, nil
	}
	if err := json.Unmarshal(data, e); err != nil {
		return nil, fmt.Errorf("mistral: decoding %q event: %w", typ, err)
	}
	return e, nil
}
