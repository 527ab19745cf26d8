package mcpclient

import (
	"context"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// ping checks that the server on cs answers. MCP 2026-07-28 removed ping
// (a stateless server answers "method not found", and the go-sdk v1.8.0
// sends it without the request _meta the new protocol requires, which a
// stateless Streamable HTTP server refuses outright), so on such a session
// the check is a tools/list request instead: every server has it, and it
// is cheap. Within the ttlMs of the server's last listing the go-sdk may
// answer it from its cache.
func ping(ctx context.Context, cs *mcp.ClientSession) error {
	if res := cs.InitializeResult(); res != nil && res.ProtocolVersion >= "2026-07-28" {
		_, err := cs.ListTools(ctx, &mcp.ListToolsParams{})
		return err
	}
	return cs.Ping(ctx, nil)
}
