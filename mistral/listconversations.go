package mistral

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
)

// ListConversationsParams picks conversations for [Client.ListConversations].
type ListConversationsParams struct {
	// Page (from 0) and PageSize (0: the API's default) pick a page.
	Page, PageSize int
	// Metadata keeps the conversations whose metadata has these members
	// (ConversationRequest.Metadata set them).
	Metadata map[string]any
}

// ListConversations lists a page of conversations (GET /v1/conversations;
// 100 a page by default). Read a conversation's metadata from its Raw JSON.
func (c *Client) ListConversations(ctx context.Context, p *ListConversationsParams) ([]*Conversation, error) {
	q := url.Values{}
	if p != nil {
		if p.Page < 0 || p.PageSize < 0 {
			return nil, errors.New("mistral: ListConversations: negative page or page size")
		}
		if p.Page > 0 {
			q.Set("page", strconv.Itoa(p.Page))
		}
		if p.PageSize > 0 {
			q.Set("page_size", strconv.Itoa(p.PageSize))
		}
		if len(p.Metadata) > 0 {
			b, err := json.Marshal(p.Metadata)
			if err != nil {
				return nil, err
			}
			q.Set("metadata", string(b)) // a JSON object, as the API's SDKs send it
		}
	}
	path := "/v1/conversations"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out []*Conversation
	if err := c.call(ctx, request{method: http.MethodGet, path: path}, &out); err != nil {
		return nil, err
	}
	return out, nil
}
