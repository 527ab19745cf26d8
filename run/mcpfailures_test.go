package run_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// failingServer has a tool that reports its own error (isError), one the
// server refuses with a JSON-RPC error, and one that sleeps.
func failingServer() *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "failing", Version: "1.0.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "broken"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: "the tool failed"}}}, nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "refused"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{}, nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "slow"}, func(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
		<-ctx.Done()
		return nil, nil, ctx.Err()
	})
	s.AddReceivingMiddleware(func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if p, ok := req.GetParams().(*mcp.CallToolParamsRaw); ok && method == "tools/call" && p.Name == "refused" {
				return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "no such city"}
			}
			return next(ctx, method, req)
		}
	})
	return s
}

// What the model reads of a failed MCP call: the tool's own error result
// as it is; a call past the client's timeout and a server's refusal as the
// tool's failure, without the client's server name (mcpclient.CallTool
// returns them as errors, run words them as before).
func TestMCPToolFailures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		call    string
		is      error  // matched by the *ToolError without continue-on-error; nil: no failure
		modelIs string // what the model reads
	}{
		{"error result", "broken", nil, "got: Error: the tool failed"},
		{"timeout", "slow", run.ErrToolTimeout, "Error while executing slow: tool call timed out: mcpclient: tool call timed out after 1s"},
		{"refused", "refused", nil, "no such city"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := mistraltest.NewServer(callOnce(tc.call, map[string]any{}))
			defer s.Close()
			mcpOpt := func() run.Option {
				return run.WithMCP(mustMCP(mcpclient.NewInMemory(failingServer(), mcpclient.WithName("failing"), mcpclient.WithCallTimeout(time.Second))))
			}
			res, err := newRunner(t, s, run.WithModel("m"), mcpOpt()).Run(context.Background(), mistral.TextInputs("go"))
			var te *run.ToolError
			switch {
			case tc.name == "error result":
				if err != nil {
					t.Fatalf("a tool's error result stopped the run: %v", err)
				}
				if got := res.Text(); !strings.Contains(got, tc.modelIs) {
					t.Fatalf("model read %q, want it to contain %q", got, tc.modelIs)
				}
			case !errors.As(err, &te) || te.Tool != tc.call || (tc.is != nil && !errors.Is(err, tc.is)):
				t.Fatalf("err %v, want a ToolError for %s matching %v", err, tc.call, tc.is)
			}

			res, err = newRunner(t, s, run.WithModel("m"), mcpOpt(), run.WithContinueOnError(true)).Run(context.Background(), mistral.TextInputs("go"))
			if err != nil {
				t.Fatal(err)
			}
			got := res.Text()
			if !strings.Contains(got, tc.modelIs) {
				t.Fatalf("model read %q, want it to contain %q", got, tc.modelIs)
			}
			if strings.Contains(got, `mcp server "failing"`) {
				t.Errorf("model read %q: the client's server-name wrapping leaked into the tool's text", got)
			}
		})
	}
}
