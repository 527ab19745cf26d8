package run_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

func TestMaxConcurrentPerServer(t *testing.T) {
	var inFlight, peak atomic.Int32
	srv := mcp.NewServer(&mcp.Implementation{Name: "one-at-a-time", Version: "1"}, nil)
	mcp.AddTool(srv, &mcp.Tool{Name: "work"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		time.Sleep(20 * time.Millisecond)
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "done"}}}, nil, nil
	})
	s := mistraltest.NewServer(fanOut("work", 6, map[string]any{}))
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithMCP(mustMCP(mcpclient.NewInMemory(srv)), run.MaxConcurrent(2)))
	if _, err := r.Run(context.Background(), mistral.TextInputs("go")); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p != 2 {
		t.Fatalf("peak %d calls at once, want 2", p)
	}
}

func TestHugeFunctionResultIsBounded(t *testing.T) {
	huge := run.MustFunc("huge", "", func(ctx context.Context, in struct{}) (string, error) {
		return strings.Repeat("x", 3*mcpclient.MaxResultText), nil
	})
	s := mistraltest.NewServer(fanOut("huge", 1, map[string]any{}))
	defer s.Close()
	res, err := newRunner(t, s, run.WithModel("m"), run.WithFunctions(huge)).Run(context.Background(), mistral.TextInputs("go"))
	if err != nil {
		t.Fatal(err)
	}
	result := toJSON(res.OutputEntries[1])
	if len(result) > run.DefaultMaxResultBytes+1000 || !strings.Contains(result, "result truncated: 3080192 of 3145728 bytes omitted") {
		t.Fatalf("result of %d bytes, marked: %v", len(result), strings.Contains(result, "result truncated"))
	}
}
