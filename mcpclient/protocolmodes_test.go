package mcpclient

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient/internal/testtools"
)

// legacyVersions are the protocol versions before 2026-07-28 (the
// initialize handshake).
func legacyVersions() []string {
	var out []string
	for _, v := range mcp.SupportedProtocolVersions() {
		if v < "2026-07-28" {
			out = append(out, v)
		}
	}
	return out
}

// modeServer is a go-sdk server with a tool that answers and one that asks
// the user (an input-required result, the 2026-07-28 way), speaking only
// the given protocol versions (nil: all).
func modeServer(versions []string) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "modes", Version: "1"}, &mcp.ServerOptions{SupportedProtocolVersions: versions})
	mcp.AddTool(s, &mcp.Tool{Name: "echo"}, func(_ context.Context, _ *mcp.CallToolRequest, in textIn) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: in.Text}}}, nil, nil
	})
	testtools.AddConfirm(s, "")
	return s
}

// Servers speaking 2026-07-28 (stateless: server/discover, no session) and
// servers speaking only the older protocol (the initialize handshake) both
// serve a client on every transport: listing, calls, and a question for the
// user answered through the elicitation handler. HTTP+SSE has no
// 2026-07-28 binding: there, the go-sdk serves the older protocol only.
func TestProtocolModes(t *testing.T) {
	const modern, legacy = "2026-07-28", "2025-11-25"
	tests := []struct {
		name string
		want string // the protocol version negotiated
		mk   func(t *testing.T, opts ...Option) *Client
	}{
		{"stdio/2026-07-28", modern, func(t *testing.T, opts ...Option) *Client {
			return testServer(t, "echo", opts...)
		}},
		{"stdio/legacy", legacy, func(t *testing.T, opts ...Option) *Client {
			return testServer(t, "legacy", opts...)
		}},
		{"streamable/2026-07-28 stateless", modern, func(t *testing.T, opts ...Option) *Client {
			srv := modeServer(nil)
			hs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, &mcp.StreamableHTTPOptions{Stateless: true}))
			t.Cleanup(hs.Close)
			return httpModeClient(t, hs.URL, Streamable, opts)
		}},
		{"streamable/legacy sessions", legacy, func(t *testing.T, opts ...Option) *Client {
			srv := modeServer(legacyVersions())
			hs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
			t.Cleanup(hs.Close)
			return httpModeClient(t, hs.URL, Streamable, opts)
		}},
		{"sse/legacy", legacy, func(t *testing.T, opts ...Option) *Client {
			srv := modeServer(nil)
			hs := httptest.NewServer(mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil))
			t.Cleanup(hs.Close)
			return httpModeClient(t, hs.URL, SSE, opts)
		}},
		{"in-memory/2026-07-28", modern, func(t *testing.T, opts ...Option) *Client {
			c := must(NewInMemory(modeServer(nil), opts...))
			t.Cleanup(func() { c.Close() })
			return c
		}},
		{"in-memory/legacy", legacy, func(t *testing.T, opts ...Option) *Client {
			c := must(NewInMemory(modeServer(legacyVersions()), opts...))
			t.Cleanup(func() { c.Close() })
			return c
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := ctxT(t)
			asked := 0
			c := tt.mk(t, WithElicitationHandler(func(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
				asked++
				return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"yes": true}}, nil
			}))
			if err := c.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			if got := c.ServerInfo().ProtocolVersion; got != tt.want {
				t.Errorf("protocol version %q, want %q", got, tt.want)
			}
			if c.ServerInfo().Name == "" {
				t.Error("no server name")
			}
			tools, err := c.Tools(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(tools) < 2 {
				t.Fatalf("tools = %v", toolNames(tools))
			}
			res, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"hi"}`))
			if err != nil || res.Text != "hi" {
				t.Fatalf("echo = %+v, %v", res, err)
			}
			res, err = c.CallTool(ctx, "confirm", nil)
			if err != nil || res.Text != "accept true" || asked != 1 {
				t.Fatalf("confirm = %+v, %v (asked %d times)", res, err, asked)
			}
			if err := c.Ping(ctx); err != nil {
				t.Errorf("ping: %v", err)
			}
		})
	}
}

func httpModeClient(t *testing.T, url string, tr HTTPTransport, opts []Option) *Client {
	c := must(NewHTTP(url, append(opts, WithHTTPTransport(tr), WithReconnect(0))...))
	t.Cleanup(func() { c.Close() })
	return c
}
