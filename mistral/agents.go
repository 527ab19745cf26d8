package mistral

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"strconv"
)

// CreateAgent creates an agent.
func (c *Client) CreateAgent(ctx context.Context, req *CreateAgentRequest) (*Agent, error) {
	if req == nil {
		return nil, errNilRequest
	}
	var out Agent
	if err := c.call(ctx, request{method: http.MethodPost, path: "/v1/agents", body: req}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetAgent returns an agent.
func (c *Client) GetAgent(ctx context.Context, id string) (*Agent, error) {
	if id == "" {
		return nil, errors.New("mistral: empty agent id")
	}
	var out Agent
	if err := c.call(ctx, request{method: http.MethodGet, path: "/v1/agents/" + url.PathEscape(id)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ListAgents returns one page of agents (params may be nil).
//
// Deprecated: GET /v1/agents, which the API deprecates (it ignores agent
// sharing); use [Client.ListAgentsPage] or [Client.AllAgents].
func (c *Client) ListAgents(ctx context.Context, params *ListAgentsParams) ([]Agent, error) {
	path := "/v1/agents"
	if params != nil {
		q := url.Values{}
		q.Set("page", fmt.Sprint(params.Page))
		if params.PageSize > 0 {
			q.Set("page_size", fmt.Sprint(params.PageSize))
		}
		path += "?" + q.Encode()
	}
	var out []Agent
	if err := c.call(ctx, request{method: http.MethodGet, path: path}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateAgent changes an agent (PATCH: only the members set are sent).
func (c *Client) UpdateAgent(ctx context.Context, id string, req *UpdateAgentRequest) (*Agent, error) {
	if id == "" {
		return nil, errors.New("mistral: empty agent id")
	}
	if req == nil {
		return nil, errNilRequest
	}
	var out Agent
	if err := c.call(ctx, request{method: http.MethodPatch, path: "/v1/agents/" + url.PathEscape(id), body: req}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetFile returns a file's metadata.
func (c *Client) GetFile(ctx context.Context, id string) (*File, error) {
	if id == "" {
		return nil, errors.New("mistral: empty file id")
	}
	var out File
	if err := c.call(ctx, request{method: http.MethodGet, path: "/v1/files/" + url.PathEscape(id)}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// DownloadFile returns a file's content; the caller closes it.
func (c *Client) DownloadFile(ctx context.Context, id string) (io.ReadCloser, error) {
	if id == "" {
		return nil, errors.New("mistral: empty file id")
	}
	resp, err := c.do(ctx, request{method: http.MethodGet, path: "/v1/files/" + url.PathEscape(id) + "/content"})
	if err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// ListAgentsPage returns one page of agents from GET /v1/agents/pages, the
// API's current listing (cursor-paginated; it honours agent sharing). A nil
// p is the first page at the API's default size; NextPageToken, if not
// empty, is the next page's p.PageToken.
func (c *Client) ListAgentsPage(ctx context.Context, p *ListAgentsPageParams) (*AgentPage, error) {
	q := url.Values{}
	if p != nil {
		if p.PageSize < 0 {
			return nil, errors.New("mistral: ListAgentsPage: negative page size")
		}
		if p.PageSize > 0 {
			q.Set("page_size", strconv.Itoa(p.PageSize))
		}
		if p.PageToken != "" {
			q.Set("page_token", p.PageToken)
		}
	}
	path := "/v1/agents/pages"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out AgentPage
	if err := c.call(ctx, request{method: http.MethodGet, path: path}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AllAgents yields every agent, following the pages (pageSize each; 0 is
// the API's default). It stops at the first error, which it yields.
func (c *Client) AllAgents(ctx context.Context, pageSize int) iter.Seq2[Agent, error] {
	return func(yield func(Agent, error) bool) {
		p := &ListAgentsPageParams{PageSize: pageSize}
		for {
			page, err := c.ListAgentsPage(ctx, p)
			if err != nil {
				yield(Agent{}, err)
				return
			}
			for _, a := range page.Agents {
				if !yield(a, nil) {
					return
				}
			}
			if page.NextPageToken == "" || page.NextPageToken == p.PageToken {
				return
			}
			p.PageToken = page.NextPageToken
		}
	}
}
