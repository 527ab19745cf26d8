package temporal

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/testsuite"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// deliveryRun runs one call of tool through a Call activity that always
// fails as a dead worker's would, and returns the attempts and the text
// the model read.
func deliveryRun(t *testing.T, tool string, r *run.Runner, s *mistraltest.Server, opts ...Option) (attempts int, seen string) {
	t.Helper()
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	if err := Register(env, r, opts...); err != nil {
		t.Fatal(err)
	}
	env.OnActivity(CallActivity, mock.Anything, mock.Anything).Return(func(ctx context.Context, in callInput) (*callResult, error) {
		attempts++
		return nil, errors.New("worker lost")
	})
	env.ExecuteWorkflow(WorkflowName, RunInput{Settings: run.Settings{Model: "m", ContinueOnError: true}, Inputs: mistral.TextInputs("go")})
	var out Outcome
	if err := env.GetWorkflowResult(&out); err != nil {
		t.Fatal(err)
	}
	return attempts, out.Result.Text()
}

func echoModel(tool string) *mistraltest.Server {
	return mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if r, ok := t.ResultOf(tool); ok {
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text(r)}}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call(tool, map[string]any{})}}, nil
	})
}

func newTestRunner(t *testing.T, s *mistraltest.Server, opts ...run.Option) *run.Runner {
	t.Helper()
	mc, err := mistral.NewClient(mistral.WithServerURL(s.URL), mistral.WithAPIKey("k"), mistral.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	r, err := run.New(mc, append([]run.Option{run.WithModel("m")}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// At least once by default: retried, then the failure is the model's.
// At most once when configured, or for a tool its server marks destructive
// and not idempotent: one attempt, and the model is told the outcome is
// unknown.
func TestDelivery(t *testing.T) {
	s := echoModel("pay")
	defer s.Close()
	pay := run.MustFunc("pay", "Pays.", func(ctx context.Context, in struct{}) (string, error) { return "paid", nil })

	n, seen := deliveryRun(t, "pay", newTestRunner(t, s, run.WithFunctions(pay)), s)
	if n != 5 || !strings.Contains(seen, "failed after 5 attempt(s)") {
		t.Fatalf("at least once: %d attempts, model read %q", n, seen)
	}
	n, seen = deliveryRun(t, "pay", newTestRunner(t, s, run.WithFunctions(pay)), s, AtMostOnce("pay"))
	if n != 1 || !strings.Contains(seen, "outcome of this call is unknown") {
		t.Fatalf("at most once: %d attempts, model read %q", n, seen)
	}

	// An MCP tool marked destructive (and not idempotent) is at most once;
	// AtLeastOnce overrides it.
	srv := mcp.NewServer(&mcp.Implementation{Name: "bank", Version: "1"}, nil)
	yes := true
	mcp.AddTool(srv, &mcp.Tool{Name: "pay", Annotations: &mcp.ToolAnnotations{DestructiveHint: &yes}}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "paid"}}}, nil, nil
	})
	for _, tc := range []struct {
		opts []Option
		want int
	}{{nil, 1}, {[]Option{AtLeastOnce("pay")}, 5}} {
		c, err := mcpclient.NewInMemory(srv)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := deliveryRun(t, "pay", newTestRunner(t, s, run.WithMCP(c)), s, tc.opts...); n != tc.want {
			t.Fatalf("MCP destructive tool, options %d: %d attempts, want %d", len(tc.opts), n, tc.want)
		}
	}
}

// A turn whose text is past the payload cap is cut with a note.
func TestTurnPayloadCap(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text(strings.Repeat("y", 50_000))}}, nil
	})
	defer s.Close()
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	if err := Register(env, newTestRunner(t, s), WithMaxPayload(4096)); err != nil {
		t.Fatal(err)
	}
	env.ExecuteWorkflow(WorkflowName, RunInput{Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("go")})
	var out Outcome
	if err := env.GetWorkflowResult(&out); err != nil {
		t.Fatal(err)
	}
	if txt := out.Result.Text(); len(txt) > 4096 || !strings.Contains(txt, "cut from 50000 bytes") {
		t.Fatalf("text of %d bytes: %q", len(txt), txt[max(0, len(txt)-120):])
	}
}
