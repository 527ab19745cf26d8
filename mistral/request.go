package mistral

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Inputs is what a conversation request carries: plain text (a user
// message) or a list of entries, never both. It is written as a JSON string
// when Entries is nil, else as a list; encoding inputs with both Text and
// Entries set is an error.
type Inputs struct {
	Text    string
	Entries []Entry
}

// TextInputs returns inputs holding one user message.
func TextInputs(s string) Inputs { return Inputs{Text: s} }

// EntryInputs returns inputs holding entries (messages, function results).
func EntryInputs(e ...Entry) Inputs { return Inputs{Entries: e} }

// IsZero reports whether the inputs are empty.
func (in Inputs) IsZero() bool { return in.Text == "" && in.Entries == nil }

// MarshalJSON implements json.Marshaler.
func (in Inputs) MarshalJSON() ([]byte, error) {
	if in.Entries != nil && in.Text != "" {
		return nil, fmt.Errorf("mistral: inputs have both Text and Entries")
	}
	if in.Entries == nil {
		return json.Marshal(in.Text)
	}
	return json.Marshal(in.Entries)
}

// UnmarshalJSON implements json.Unmarshaler.
func (in *Inputs) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	*in = Inputs{}
	if len(data) > 0 && data[0] == '"' {
		return json.Unmarshal(data, &in.Text)
	}
	var es Entries
	if err := json.Unmarshal(data, &es); err != nil {
		return err
	}
	in.Entries = es
	return nil
}

// ConversationRequest starts a conversation, with a model (and optional
// instructions, tools and completion args) or with an agent.
type ConversationRequest struct {
	Inputs           Inputs          `json:"inputs"`
	Store            *bool           `json:"store,omitempty"`
	HandoffExecution string          `json:"handoff_execution,omitempty"` // "client" or "server"
	Instructions     string          `json:"instructions,omitempty"`
	Tools            []Tool          `json:"tools,omitempty"`
	CompletionArgs   *CompletionArgs `json:"completion_args,omitempty"`
	Name             string          `json:"name,omitempty"`
	Description      string          `json:"description,omitempty"`
	Metadata         map[string]any  `json:"metadata,omitempty"`
	AgentID          string          `json:"agent_id,omitempty"`
	AgentVersion     json.RawMessage `json:"agent_version,omitempty"` // a number or an alias string
	Model            string          `json:"model,omitempty"`
}

// AppendRequest adds inputs (messages, function results) to a conversation.
type AppendRequest struct {
	Inputs            Inputs                 `json:"inputs,omitzero"` // may be empty when ToolConfirmations answer everything
	Store             *bool                  `json:"store,omitempty"`
	HandoffExecution  string                 `json:"handoff_execution,omitempty"`
	CompletionArgs    *CompletionArgs        `json:"completion_args,omitempty"`
	ToolConfirmations []ToolCallConfirmation `json:"tool_confirmations,omitempty"`
}

// ToolCallConfirmation confirms or denies a function call that awaits confirmation.
type ToolCallConfirmation struct {
	ToolCallID   string `json:"tool_call_id"`
	Confirmation string `json:"confirmation"` // "allow" or "deny"
}

// RestartRequest restarts a conversation from one of its entries.
type RestartRequest struct {
	Inputs           Inputs          `json:"inputs"`
	Store            *bool           `json:"store,omitempty"`
	HandoffExecution string          `json:"handoff_execution,omitempty"`
	CompletionArgs   *CompletionArgs `json:"completion_args,omitempty"`
	Metadata         map[string]any  `json:"metadata,omitempty"`
	FromEntryID      string          `json:"from_entry_id"`
	AgentVersion     json.RawMessage `json:"agent_version,omitempty"`
}

// ConversationResponse is a non-streaming answer: the new entries and usage.
type ConversationResponse struct {
	Object         string  `json:"object"` // "conversation.response"
	ConversationID string  `json:"conversation_id"`
	Outputs        Entries `json:"outputs"`
	Usage          Usage   `json:"usage"`
}

// Usage counts tokens.
type Usage struct {
	PromptTokens     int            `json:"prompt_tokens"`
	CompletionTokens int            `json:"completion_tokens"`
	TotalTokens      int            `json:"total_tokens"`
	ConnectorTokens  *int           `json:"connector_tokens,omitempty"`
	Connectors       map[string]int `json:"connectors,omitempty"`
}

// Add returns the sum of two usages.
func (u Usage) Add(o Usage) Usage {
	u.PromptTokens += o.PromptTokens
	u.CompletionTokens += o.CompletionTokens
	u.TotalTokens += o.TotalTokens
	if o.ConnectorTokens != nil {
		n := *o.ConnectorTokens
		if u.ConnectorTokens != nil {
			n += *u.ConnectorTokens
		}
		u.ConnectorTokens = &n
	}
	if len(o.Connectors) > 0 {
		m := make(map[string]int, len(u.Connectors)+len(o.Connectors))
		for k, v := range u.Connectors {
			m[k] = v
		}
		for k, v := range o.Connectors {
			m[k] += v
		}
		u.Connectors = m
	}
	return u
}

// ConversationHistory is every entry of a conversation.
type ConversationHistory struct {
	Object         string  `json:"object"` // "conversation.history"
	ConversationID string  `json:"conversation_id"`
	Entries        Entries `json:"entries"`
}

// ConversationMessages is the messages of a conversation.
type ConversationMessages struct {
	Object         string  `json:"object"` // "conversation.messages"
	ConversationID string  `json:"conversation_id"`
	Messages       Entries `json:"messages"`
}

// Conversation is a stored conversation's metadata.
//
// Raw is the whole JSON object as the API sent it (decoding fills it), for
// members this type does not name; it is not encoded.
type Conversation struct {
	Object       string          `json:"object"`
	ID           string          `json:"id"`
	Model        string          `json:"model,omitempty"`
	AgentID      string          `json:"agent_id,omitempty"`
	Instructions string          `json:"instructions,omitempty"`
	Tools        []Tool          `json:"tools,omitempty"`
	Name         string          `json:"name,omitempty"`
	Raw          json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the members and keeps the whole object in Raw.
func (c *Conversation) UnmarshalJSON(data []byte) error {
	type plain Conversation
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*c = Conversation(p)
	c.Raw = append(json.RawMessage(nil), bytes.TrimSpace(data)...)
	return nil
}

// CompletionArgs tunes the model's sampling and output.
type CompletionArgs struct {
	Stop             Stop            `json:"stop,omitempty"`
	PresencePenalty  *float64        `json:"presence_penalty,omitempty"`
	FrequencyPenalty *float64        `json:"frequency_penalty,omitempty"`
	Temperature      *float64        `json:"temperature,omitempty"`
	TopP             *float64        `json:"top_p,omitempty"`
	MaxTokens        *int            `json:"max_tokens,omitempty"`
	RandomSeed       *int            `json:"random_seed,omitempty"`
	Prediction       *Prediction     `json:"prediction,omitempty"`
	ResponseFormat   *ResponseFormat `json:"response_format,omitempty"`
	ToolChoice       string          `json:"tool_choice,omitempty"` // "auto", "none", "any", "required"
	ReasoningEffort  string          `json:"reasoning_effort,omitempty"`
}

// Prediction is expected output content, for faster answers.
type Prediction struct {
	Type    string `json:"type,omitempty"` // "content"
	Content string `json:"content,omitempty"`
}

// ResponseFormat asks for text, a JSON object, or JSON matching a schema.
type ResponseFormat struct {
	Type       string      `json:"type,omitempty"` // "text", "json_object", "json_schema"
	JSONSchema *JSONSchema `json:"json_schema,omitempty"`
}

// JSONSchema is the schema of a structured output. Its wire name for the
// schema is "schema" (the TypeScript SDK calls it schemaDefinition).
type JSONSchema struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Schema      json.RawMessage `json:"schema"`
	Strict      bool            `json:"strict,omitempty"`
}

// JSONSchemaFormat returns a json_schema response format.
func JSONSchemaFormat(name string, schema json.RawMessage, strict bool) *ResponseFormat {
	return &ResponseFormat{Type: "json_schema", JSONSchema: &JSONSchema{Name: name, Schema: schema, Strict: strict}}
}

// Tool is a tool offered to the model: a function (executed by the client)
// or a built-in connector ({"type":"web_search"}, {"type":"document_library",
// "library_ids":[…]}, …), which is passed through as raw JSON. Make one with
// NewFunctionTool or BuiltinTool.
//
// Type is the tool's "type". A function tool sets Function (and Type is
// "function" or empty); a built-in tool sets Type, and Raw when it has more
// members than its type. Encoding a tool whose members contradict each
// other (both Function and Raw, or a Type that is not Raw's "type") is an
// error, not a choice between them.
type Tool struct {
	Type     string
	Function *FunctionTool
	// Raw holds a built-in tool's whole JSON; when set it is written as is.
	Raw json.RawMessage
}

// FunctionTool describes a function the model may call.
type FunctionTool struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Strict      *bool           `json:"strict,omitempty"`
	Parameters  json.RawMessage `json:"parameters"`
}

// NewFunctionTool returns a function tool. Parameters is a JSON Schema object.
func NewFunctionTool(name, description string, parameters json.RawMessage, strict bool) Tool {
	if len(parameters) == 0 {
		parameters = json.RawMessage(`{"type":"object","properties":{}}`)
	}
	return Tool{Type: "function", Function: &FunctionTool{Name: name, Description: description, Parameters: parameters, Strict: &strict}}
}

// BuiltinTool returns a built-in connector tool such as "web_search",
// "web_search_premium", "code_interpreter", "image_generation".
func BuiltinTool(typ string) Tool {
	raw, _ := json.Marshal(map[string]string{"type": typ})
	return Tool{Type: typ, Raw: raw}
}

// MarshalJSON implements json.Marshaler.
func (t Tool) MarshalJSON() ([]byte, error) {
	if t.Raw != nil {
		if t.Function != nil {
			return nil, fmt.Errorf("mistral: tool has both Function and Raw")
		}
		if t.Type != "" {
			if rt, err := typeMember(t.Raw); err != nil || rt != t.Type {
				return nil, fmt.Errorf("mistral: tool Type %q is not its Raw JSON's type", t.Type)
			}
		}
		return t.Raw, nil
	}
	if t.Function != nil {
		if t.Type != "" && t.Type != "function" {
			return nil, fmt.Errorf("mistral: tool of Type %q has a Function", t.Type)
		}
		return json.Marshal(struct {
			Type     string        `json:"type"`
			Function *FunctionTool `json:"function"`
		}{"function", t.Function})
	}
	if t.Type == "" {
		return nil, fmt.Errorf("mistral: tool has no type")
	}
	return json.Marshal(map[string]string{"type": t.Type})
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Tool) UnmarshalJSON(data []byte) error {
	var head struct {
		Type     string        `json:"type"`
		Function *FunctionTool `json:"function"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("mistral: decoding tool: %w", err)
	}
	*t = Tool{Type: head.Type}
	if head.Type == "function" && head.Function != nil {
		t.Function = head.Function
		return nil
	}
	t.Raw = append(json.RawMessage(nil), bytes.TrimSpace(data)...)
	return nil
}

// Stop is completion_args.stop: the API takes and returns a string or a
// list of strings (an agent created elsewhere may have either); it is read
// from both and written as a list.
type Stop []string

// UnmarshalJSON reads a string, a list of strings, or null.
func (s *Stop) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*s = nil
		return nil
	}
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = Stop{one}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("mistral: completion_args.stop: want a string or a list of strings: %w", err)
	}
	*s = list
	return nil
}
