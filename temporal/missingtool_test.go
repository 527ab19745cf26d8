package temporal

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// A call reaching a worker without its tool waits, with a visible status,
// for a worker that has it; the run is not lost.
func TestWorkerWithoutTheToolWaits(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if r, ok := t.ResultOf("add"); ok {
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("got " + r)}}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("add", map[string]int{"a": 1})}}, nil
	})
	defer s.Close()
	mc, err := mistral.NewClient(mistral.WithServerURL(s.URL), mistral.WithAPIKey("k"), mistral.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	add := run.MustFunc("add", "Adds.", func(ctx context.Context, in map[string]int) (int, error) { return in["a"] + 1, nil })
	r, err := run.New(mc, run.WithModel("m"), run.WithFunctions(add))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	if err := Register(env, r); err != nil {
		t.Fatal(err)
	}
	calls := 0
	env.OnActivity(CallActivity, mock.Anything, mock.Anything).Return(func(ctx context.Context, in callInput) (*callResult, error) {
		calls++
		if !in.Listed {
			t.Error("the call was not marked as listed")
		}
		if calls < 3 {
			return nil, temporal.NewNonRetryableApplicationError("this worker has no tool", missingTool, nil)
		}
		return &callResult{Text: "2"}, nil
	})
	status := ""
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(ProgressQuery)
		if err == nil {
			var p Progress
			v.Get(&p)
			status = p.Status
		}
	}, 7*time.Second)
	env.ExecuteWorkflow(WorkflowName, RunInput{Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("go")})
	var out Outcome
	if err := env.GetWorkflowResult(&out); err != nil {
		t.Fatal(err)
	}
	if out.Error != nil || out.Result.Text() != "got 2" || calls != 3 {
		t.Fatalf("outcome %+v, text %q, calls %d", out.Error, out.Result.Text(), calls)
	}
	if status != "waiting for a worker with tool add" {
		t.Fatalf("status while waiting: %q", status)
	}
}
