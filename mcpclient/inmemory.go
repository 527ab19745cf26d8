package mcpclient

import (
	"context"
	"errors"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// NewInMemory returns a client connected, on [Client.Connect], to server in
// the same process over the go-sdk's in-memory transport: for tests, and
// for tools written as a go-sdk server. Each connect opens a new server
// session; Close ends it. It takes the options that apply to every
// transport; a nil server, an invalid option or a stdio or HTTP one is an
// error.
func NewInMemory(server *mcp.Server, opts ...Option) (*Client, error) {
	if server == nil {
		return nil, errors.New("mcpclient: NewInMemory: nil server")
	}
	o, err := buildOptions(familyAny, opts)
	if err != nil {
		return nil, err
	}
	return newClient("in-memory", o, func(ctx context.Context, c *Client) (*mcp.ClientSession, *hooks, error) {
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
	}), nil
}
