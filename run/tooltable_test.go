package run_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// The tool table is kept across runs and turns while the MCP servers'
// tools stay the same (no tools/list per run), and rebuilt when a server
// says its tools changed: the next run declares the new tool.
func TestToolTableFollowsListChanged(t *testing.T) {
	s := mcp.NewServer(&mcp.Implementation{Name: "grow", Version: "1"}, nil)
	var lists atomic.Int32
	s.AddReceivingMiddleware(func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if method == "tools/list" {
				lists.Add(1)
			}
			return next(ctx, method, req)
		}
	})
	text := func(s string) *mcp.CallToolResult {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: s}}}
	}
	mcp.AddTool(s, &mcp.Tool{Name: "a", Description: "adds tool b"}, func(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
		mcp.AddTool(s, &mcp.Tool{Name: "b", Description: "new"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
			return text("b ran"), nil, nil
		})
		time.Sleep(300 * time.Millisecond) // the list_changed notification arrives first
		return text("a ran"), nil, nil
	})
	mc, err := mcpclient.NewInMemory(s, mcpclient.WithName("grow"))
	if err != nil {
		t.Fatal(err)
	}
	api := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		switch {
		case turn.LastUserMessage() == "grow" && len(turn.Results()) == 0:
			return mistraltest.Respond(mistraltest.Call("a", map[string]any{})), nil
		case turn.HasTool("b"):
			return mistraltest.Respond(mistraltest.Text("b declared")), nil
		}
		return mistraltest.Respond(mistraltest.Text("ok")), nil
	})
	defer api.Close()
	r := newRunner(t, api, run.WithModel("m"), run.WithMCP(mc))
	ctx := context.Background()
	for range 3 {
		if _, err := r.Run(ctx, mistral.TextInputs("plain")); err != nil {
			t.Fatal(err)
		}
	}
	if n := lists.Load(); n != 1 {
		t.Errorf("3 runs with unchanged tools listed them %d times, want 1", n)
	}
	if _, err := r.Run(ctx, mistral.TextInputs("grow")); err != nil {
		t.Fatal(err)
	}
	res, err := r.Run(ctx, mistral.TextInputs("plain"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Text() != "b declared" {
		t.Errorf("the run after list_changed: %q, want b declared", res.Text())
	}
	if n := lists.Load(); n != 2 {
		t.Errorf("tools listed %d times, want 2 (once more after list_changed)", n)
	}
}
