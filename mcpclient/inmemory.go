package mcpclient

import (
	"context"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// NewInMemory returns a client connected, on [Client.Connect], to server in
// the same process over the go-sdk's in-memory transport: for tests, and
// for tools written as a go-sdk server. Each connect opens a new server
// session; Close ends it.
func NewInMemory(server *mcp.Server, opts ...Option) *Client {
	return newClient("in-memory", func(ctx context.Context, c *Client) (*mcp.ClientSession, *hooks, error) {
		st, ct := mcp.NewInMemoryTransports()
		ss, err := server.Connect(ctx, st, nil)
		if err != nil {
			return nil, nil, err
		}
		cs, err := c.sdk.Connect(ctx, ct, nil)
		if err != nil {
			_ = ss.Close()
			return nil, nil, err
		}
		return cs, &hooks{cleanup: func() { _ = ss.Close() }}, nil
	}, opts)
}
