package mcpclient

import (
	"context"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// WithSDKStdio makes a stdio client use the go-sdk's mcp.CommandTransport
// instead of this package's own stdio transport, the default, which reads
// in the caller, decodes each message once and gathers concurrent writes
// (docs/perf.md says what that saves). The process is started and stopped
// the same way with both, and a connection lost under a call is
// [ErrConnectionLost] with both. Two things differ, as the go-sdk has them:
// an answer over 16 MiB ends the connection (ours drops that answer, and the
// call gets an error result saying so), and a line on the server's stdout
// that is not JSON-RPC ends it too (ours skips it). Stdio only.
func WithSDKStdio() Option {
	return func(o *options) error {
		o.onlyFor(familyStdio, "WithSDKStdio")
		o.sdkStdio = true
		return nil
	}
}

// sdkStdioTransport is the go-sdk's CommandTransport, watched: when its
// connection fails to read or write, the failure is recorded before the
// go-sdk fails the calls in flight with it, as our own transport does. A
// call that failed on it is then known to have lost the connection
// ([ErrConnectionLost]) and the next call reconnects. Without it, an answer
// over the go-sdk's 16 MiB line bound failed its call with an error nothing
// could match (the go-sdk's is unexported), and the next call was made on
// the dead session.
type sdkStdioTransport struct {
	inner *mcp.CommandTransport
	connFailure
}

// Connect starts the command through the go-sdk's transport.
func (t *sdkStdioTransport) Connect(ctx context.Context) (mcp.Connection, error) {
	conn, err := t.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &sdkStdioConn{Connection: conn, t: t}, nil
}

// sdkStdioConn is the go-sdk's connection, its failures recorded.
type sdkStdioConn struct {
	mcp.Connection
	t *sdkStdioTransport
}

// Read implements mcp.Connection.
func (c *sdkStdioConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	msg, err := c.Connection.Read(ctx)
	if err != nil && ctx.Err() == nil {
		c.t.fail(fmt.Errorf("%w: reading the server's stdout: %w", ErrConnectionLost, err))
	}
	return msg, err
}

// Write implements mcp.Connection.
func (c *sdkStdioConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	err := c.Connection.Write(ctx, msg)
	if err != nil && ctx.Err() == nil {
		c.t.fail(fmt.Errorf("%w: writing to the server's stdin: %w", ErrConnectionLost, err))
	}
	return err
}

// Close implements mcp.Connection.
func (c *sdkStdioConn) Close() error {
	c.t.fail(mcp.ErrConnectionClosed)
	return c.Connection.Close()
}
