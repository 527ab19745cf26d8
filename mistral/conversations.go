package mistral

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"net/url"
)

var errNoID = errors.New("mistral: empty conversation id")

func convPath(id, suffix string) string {
	return "/v1/conversations/" + url.PathEscape(id) + suffix
}

// StartConversation starts a conversation and waits for the model's answer.
func (c *Client) StartConversation(ctx context.Context, req *ConversationRequest) (*ConversationResponse, error) {
	r := *req
	r.Stream = false
	var out ConversationResponse
	err := c.call(ctx, request{method: http.MethodPost, path: "/v1/conversations", body: &r}, &out)
	return &out, err
}

// StartConversationStream starts a conversation and streams the answer.
func (c *Client) StartConversationStream(ctx context.Context, req *ConversationRequest) iter.Seq2[Event, error] {
	r := *req
	r.Stream = true
	return c.stream(ctx, request{method: http.MethodPost, path: "/v1/conversations", body: &r, stream: true})
}

// AppendConversation adds inputs to a conversation and waits for the answer.
func (c *Client) AppendConversation(ctx context.Context, id string, req *AppendRequest) (*ConversationResponse, error) {
	if id == "" {
		return nil, errNoID
	}
	r := *req
	r.Stream = false
	var out ConversationResponse
	err := c.call(ctx, request{method: http.MethodPost, path: convPath(id, ""), body: &r}, &out)
	return &out, err
}

// AppendConversationStream adds inputs to a conversation and streams the answer.
func (c *Client) AppendConversationStream(ctx context.Context, id string, req *AppendRequest) iter.Seq2[Event, error] {
	if id == "" {
		return func(yield func(Event, error) bool) { yield(nil, errNoID) }
	}
	r := *req
	r.Stream = true
	return c.stream(ctx, request{method: http.MethodPost, path: convPath(id, ""), body: &r, stream: true})
}

// RestartConversation restarts a conversation from an entry and waits for the answer.
func (c *Client) RestartConversation(ctx context.Context, id string, req *RestartRequest) (*ConversationResponse, error) {
	if id == "" {
		return nil, errNoID
	}
	r := *req
	r.Stream = false
	var out ConversationResponse
	err := c.call(ctx, request{method: http.MethodPost, path: convPath(id, "/restart"), body: &r}, &out)
	return &out, err
}

// RestartConversationStream restarts a conversation from an entry and streams the answer.
func (c *Client) RestartConversationStream(ctx context.Context, id string, req *RestartRequest) iter.Seq2[Event, error] {
	if id == "" {
		return func(yield func(Event, error) bool) { yield(nil, errNoID) }
	}
	r := *req
	r.Stream = true
	return c.stream(ctx, request{method: http.MethodPost, path: convPath(id, "/restart"), body: &r, stream: true})
}

// GetConversation returns a conversation's metadata.
func (c *Client) GetConversation(ctx context.Context, id string) (*Conversation, error) {
	if id == "" {
		return nil, errNoID
	}
	var out Conversation
	err := c.call(ctx, request{method: http.MethodGet, path: convPath(id, "")}, &out)
	return &out, err
}

// GetConversationHistory returns every entry of a conversation.
func (c *Client) GetConversationHistory(ctx context.Context, id string) (*ConversationHistory, error) {
	if id == "" {
		return nil, errNoID
	}
	var out ConversationHistory
	err := c.call(ctx, request{method: http.MethodGet, path: convPath(id, "/history")}, &out)
	return &out, err
}

// GetConversationMessages returns the messages of a conversation.
func (c *Client) GetConversationMessages(ctx context.Context, id string) (*ConversationMessages, error) {
	if id == "" {
		return nil, errNoID
	}
	var out ConversationMessages
	err := c.call(ctx, request{method: http.MethodGet, path: convPath(id, "/messages")}, &out)
	return &out, err
}
