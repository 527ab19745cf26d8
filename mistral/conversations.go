package mistral

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
)

var (
	errNoID       = errors.New("mistral: empty conversation id")
	errNilRequest = errors.New("mistral: nil request")
)

// conversationsPath is where conversations start.
const conversationsPath = "/v1/conversations"

func convPath(id, suffix string) string {
	return "/v1/conversations/" + url.PathEscape(id) + suffix
}

// The wire forms of the conversation requests: the client, not the caller,
// decides "stream" (the …Stream method or not).
type (
	conversationWire struct {
		*ConversationRequest
		Stream bool `json:"stream"`
	}
	appendWire struct {
		*AppendRequest
		Stream bool `json:"stream"`
	}
	restartWire struct {
		*RestartRequest
		Stream bool `json:"stream"`
	}
)

// failed is a stream that yields err and ends.
func failed(err error) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) { yield(nil, err) }
}

// StartConversation starts a conversation and waits for the model's answer.
func (c *Client) StartConversation(ctx context.Context, req *ConversationRequest) (*ConversationResponse, error) {
	if req == nil {
		return nil, errNilRequest
	}
	var out ConversationResponse
	if err := c.call(ctx, request{method: http.MethodPost, path: conversationsPath, body: conversationWire{req, false}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// StartConversationStream starts a conversation and streams the answer.
func (c *Client) StartConversationStream(ctx context.Context, req *ConversationRequest) iter.Seq2[Event, error] {
	if req == nil {
		return failed(errNilRequest)
	}
	return c.stream(ctx, request{method: http.MethodPost, path: conversationsPath, body: conversationWire{req, true}, stream: true})
}

// AppendConversation adds inputs to a conversation and waits for the answer.
func (c *Client) AppendConversation(ctx context.Context, id string, req *AppendRequest) (*ConversationResponse, error) {
	if id == "" {
		return nil, errNoID
	}
	if req == nil {
		return nil, errNilRequest
	}
	var out ConversationResponse
	if err := c.call(ctx, request{method: http.MethodPost, path: convPath(id, ""), body: appendWire{req, false}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AppendConversationStream adds inputs to a conversation and streams the answer.
func (c *Client) AppendConversationStream(ctx context.Context, id string, req *AppendRequest) iter.Seq2[Event, error] {
	if id == "" {
		return failed(errNoID)
	}
	if req == nil {
		return failed(errNilRequest)
	}
	return c.stream(ctx, request{method: http.MethodPost, path: convPath(id, ""), body: appendWire{req, true}, stream: true})
}

// RestartConversation restarts a conversation from an entry and waits for the answer.
func (c *Client) RestartConversation(ctx context.Context, id string, req *RestartRequest) (*ConversationResponse, error) {
	if id == "" {
		return nil, errNoID
	}
	if req == nil {
		return nil, errNilRequest
	}
	var out ConversationResponse
	if err := c.call(ctx, request{method: http.MethodPost, path: convPath(id, "/restart"), body: restartWire{req, false}}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// RestartConversationStream restarts a conversation from an entry and streams the answer.
func (c *Client) RestartConversationStream(ctx context.Context, id string, req *RestartRequest) iter.Seq2[Event, error] {
	if id == "" {
		return failed(errNoID)
	}
	if req == nil {
		return failed(errNilRequest)
	}
	return c.stream(ctx, request{method: http.MethodPost, path: convPath(id, "/restart"), body: restartWire{req, true}, stream: true})
}

// GetConversation returns a conversation's metadata.
func (c *Client) GetConversation(ctx context.Context, id string) (*Conversation, error) {
	if id == "" {
		return nil, errNoID
	}
	var out Conversation
	if err := c.call(ctx, request{method: http.MethodGet, path: convPath(id, "")}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetConversationHistory returns every entry of a conversation.
func (c *Client) GetConversationHistory(ctx context.Context, id string) (*ConversationHistory, error) {
	if id == "" {
		return nil, errNoID
	}
	var out ConversationHistory
	if err := c.call(ctx, request{method: http.MethodGet, path: convPath(id, "/history")}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetConversationMessages returns the messages of a conversation.
func (c *Client) GetConversationMessages(ctx context.Context, id string) (*ConversationMessages, error) {
	if id == "" {
		return nil, errNoID
	}
	var out ConversationMessages
	if err := c.call(ctx, request{method: http.MethodGet, path: convPath(id, "/messages")}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
