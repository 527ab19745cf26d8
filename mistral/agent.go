package mistral

import (
	"encoding/json"
	"time"
)

// Agent is a stored agent: a model with instructions, tools and completion args.
type Agent struct {
	Object         string                     `json:"object"` // "agent"
	ID             string                     `json:"id"`
	Name           string                     `json:"name"`
	Model          string                     `json:"model"`
	Instructions   string                     `json:"instructions,omitempty"`
	Description    string                     `json:"description,omitempty"`
	Tools          []Tool                     `json:"tools,omitempty"`
	CompletionArgs *CompletionArgs            `json:"completion_args,omitempty"`
	Handoffs       []string                   `json:"handoffs,omitempty"`
	Metadata       map[string]any             `json:"metadata,omitempty"`
	Version        int                        `json:"version"`
	Versions       []int                      `json:"versions,omitempty"`
	CreatedAt      time.Time                  `json:"created_at,omitzero"`
	UpdatedAt      time.Time                  `json:"updated_at,omitzero"`
	Extra          map[string]json.RawMessage `json:"-"`
}

// UnmarshalJSON keeps members this package does not know.
func (a *Agent) UnmarshalJSON(data []byte) error {
	type plain Agent
	var p plain
	extra, err := decodeKeepingExtra(data, &p)
	if err != nil {
		return err
	}
	*a = Agent(p)
	a.Extra = extra
	return nil
}

// MarshalJSON writes the agent with the members kept from decoding.
func (a *Agent) MarshalJSON() ([]byte, error) {
	type plain Agent
	p := plain(*a)
	return encodeWithExtra(&p, a.Extra)
}

// CreateAgentRequest creates an agent. Model and Name are required.
type CreateAgentRequest struct {
	Model          string          `json:"model"`
	Name           string          `json:"name"`
	Instructions   string          `json:"instructions,omitempty"`
	Description    string          `json:"description,omitempty"`
	Tools          []Tool          `json:"tools,omitempty"`
	CompletionArgs *CompletionArgs `json:"completion_args,omitempty"`
	Handoffs       []string        `json:"handoffs,omitempty"`
	Metadata       map[string]any  `json:"metadata,omitempty"`
}

// UpdateAgentRequest changes an agent: only the members that are set are sent.
// Tools, when non-nil, replaces the agent's tools (an empty, non-nil slice
// removes them all).
type UpdateAgentRequest struct {
	Model          *string         `json:"model,omitempty"`
	Name           *string         `json:"name,omitempty"`
	Instructions   *string         `json:"instructions,omitempty"`
	Description    *string         `json:"description,omitempty"`
	Tools          *[]Tool         `json:"tools,omitempty"`
	CompletionArgs *CompletionArgs `json:"completion_args,omitempty"`
	Handoffs       *[]string       `json:"handoffs,omitempty"`
	Metadata       map[string]any  `json:"metadata,omitempty"`
}

// ListAgentsPageParams picks a page of [Client.ListAgentsPage].
type ListAgentsPageParams struct {
	PageSize  int    // 0: the API's default (20)
	PageToken string // "": the first page; else a page's NextPageToken
}

// AgentPage is one page of agents.
type AgentPage struct {
	Agents        []Agent `json:"data"`
	NextPageToken string  `json:"next_page_token,omitempty"` // "" on the last page
}

// ListAgentsParams pages through agents (the deprecated listing).
type ListAgentsParams struct {
	Page     int // from 0
	PageSize int // 0: the API's default
}

// File is a stored file's metadata.
type File struct {
	ID        string `json:"id"`
	Object    string `json:"object"`
	SizeBytes int64  `json:"bytes"`
	CreatedAt int64  `json:"created_at"`
	Filename  string `json:"filename"`
	Purpose   string `json:"purpose,omitempty"`
	MimeType  string `json:"mimetype,omitempty"`
}
