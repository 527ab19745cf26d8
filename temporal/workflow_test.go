package temporal_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
	"github.com/mcprun/mcprun/temporal"
)

type AddIn struct {
	A int `json:"a"`
	B int `json:"b"`
}

// counted counts calls of the add function.
type counted struct{ n int }

func (c *counted) fn() *run.Function {
	return run.MustFunc("add", "Adds two numbers.", func(ctx context.Context, in AddIn) (int, error) {
		c.n++
		return in.A + in.B, nil
	})
}

func newRunner(t *testing.T, s *mistraltest.Server, opts ...run.Option) *run.Runner {
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

func newEnv(t *testing.T, r *run.Runner, opts ...temporal.Option) *testsuite.TestWorkflowEnvironment {
	t.Helper()
	var ts testsuite.WorkflowTestSuite
	env := ts.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{})
	if err := temporal.Register(env, r, opts...); err != nil {
		t.Fatal(err)
	}
	return env
}

func outcome(t *testing.T, env *testsuite.TestWorkflowEnvironment) *temporal.Outcome {
	t.Helper()
	if !env.IsWorkflowCompleted() {
		t.Fatal("workflow not completed")
	}
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	var out temporal.Outcome
	if err := env.GetWorkflowResult(&out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// results counts the function.result entries of each tool_call_id.
func results(t *testing.T, s *mistraltest.Server, id string) map[string]int {
	t.Helper()
	es, ok := s.Conversation(id)
	if !ok {
		t.Fatalf("no conversation %s", id)
	}
	n := map[string]int{}
	for _, e := range es {
		if e.Type == "function.result" {
			n[e.ToolCallID]++
		}
	}
	return n
}

func callThenAnswer(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
	if r, ok := t.ResultOf("add"); ok {
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("The sum is " + r)}}, nil
	}
	return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("add", AddIn{A: 1, B: 2})}}, nil
}

func TestWorkflowRunsTheLoop(t *testing.T) {
	s := mistraltest.NewServer(callThenAnswer)
	defer s.Close()
	var c counted
	env := newEnv(t, newRunner(t, s, run.WithFunctions(c.fn())))
	env.ExecuteWorkflow(temporal.WorkflowName, temporal.RunInput{Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("1+2?")})
	out := outcome(t, env)
	if out.Error != nil {
		t.Fatal(out.Error)
	}
	if got := out.Result.Text(); got != "The sum is 3" || out.Result.Turns != 2 || c.n != 1 {
		t.Fatalf("text %q, turns %d, calls %d", got, out.Result.Turns, c.n)
	}
	for id, n := range results(t, s, out.Result.ConversationID) {
		if n != 1 {
			t.Fatalf("%s has %d results", id, n)
		}
	}
}

// The append carrying the results is taken by the API, which then fails:
// the retried turn finds them in the history and does not send them again.
func TestRetriedTurnIsReconciledWithHistory(t *testing.T) {
	failed := false
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if _, ok := t.ResultOf("add"); ok && !failed {
			failed = true
			return &mistraltest.Reply{Status: http.StatusInternalServerError, Consume: true}, nil
		}
		return callThenAnswer(ctx, t)
	})
	defer s.Close()
	var c counted
	env := newEnv(t, newRunner(t, s, run.WithFunctions(c.fn())))
	env.ExecuteWorkflow(temporal.WorkflowName, temporal.RunInput{Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("1+2?")})
	out := outcome(t, env)
	if out.Error != nil {
		t.Fatal(out.Error)
	}
	if !failed || out.Result.Text() != "The sum is 3" || c.n != 1 {
		t.Fatalf("failed %v, text %q, calls %d", failed, out.Result.Text(), c.n)
	}
	for id, n := range results(t, s, out.Result.ConversationID) {
		if n != 1 {
			t.Fatalf("%s has %d function.result entries", id, n)
		}
	}
}

// A tool's own error is a result the model reads, not an activity failure.
func TestToolErrorIsAResult(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if r, ok := t.ResultOf("fail"); ok {
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("saw: " + r)}}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("fail", map[string]any{})}}, nil
	})
	defer s.Close()
	n := 0
	fail := run.MustFunc("fail", "Fails.", func(ctx context.Context, in struct{}) (string, error) {
		n++
		return "", errors.New("disk full")
	})
	env := newEnv(t, newRunner(t, s, run.WithFunctions(fail), run.WithContinueOnError(true)))
	env.ExecuteWorkflow(temporal.WorkflowName, temporal.RunInput{Settings: run.Settings{Model: "m", ContinueOnError: true}, Inputs: mistral.TextInputs("go")})
	out := outcome(t, env)
	if out.Error != nil || n != 1 || out.Result.Text() != "saw: Error while executing fail: disk full" {
		t.Fatalf("error %v, calls %d, text %q", out.Error, n, out.Result.Text())
	}

	// Without continue-on-error the run fails as a local run does.
	n = 0
	env = newEnv(t, newRunner(t, s, run.WithFunctions(fail)))
	env.ExecuteWorkflow(temporal.WorkflowName, temporal.RunInput{Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("go")})
	out = outcome(t, env)
	if out.Error == nil || out.Error.Kind != temporal.KindTool || out.Error.Tool != "fail" || n != 1 || len(out.Result.Pending) != 1 {
		t.Fatalf("outcome %+v, calls %d", out.Error, n)
	}
}

// A call needing confirmation waits for the approve Update, then runs.
func TestApprovalByUpdate(t *testing.T) {
	s := mistraltest.NewServer(callThenAnswer)
	defer s.Close()
	var c counted
	env := newEnv(t, newRunner(t, s, run.WithFunctions(c.fn().RequireConfirmation())))
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(temporal.ProgressQuery)
		if err != nil {
			t.Error(err)
			return
		}
		var p temporal.Progress
		if err := v.Get(&p); err != nil {
			t.Error(err)
			return
		}
		if p.Status != "awaiting approval" || p.Deferral == nil || len(p.Deferral.Calls) != 1 || c.n != 0 {
			t.Errorf("progress %+v, calls %d", p, c.n)
			return
		}
		id := p.Deferral.Calls[0].ToolCallID
		env.UpdateWorkflow(temporal.ApproveUpdate, "bad", &updateCB{t: t, wantErr: true}, temporal.Approval{Decisions: []run.Decision{run.Approve("nope")}})
		env.UpdateWorkflow(temporal.ApproveUpdate, "u1", &updateCB{t: t}, temporal.Approval{Decisions: []run.Decision{run.ApproveWithArguments(id, []byte(`{"b":40}`))}})
	}, time.Minute)
	env.ExecuteWorkflow(temporal.WorkflowName, temporal.RunInput{Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("1+2?")})
	out := outcome(t, env)
	if out.Error != nil {
		t.Fatal(out.Error)
	}
	if got := out.Result.Text(); got != "The sum is 41" || c.n != 1 {
		t.Fatalf("text %q, calls %d", got, c.n)
	}
}

type updateCB struct {
	t       *testing.T
	wantErr bool
}

func (u *updateCB) Accept() {}
func (u *updateCB) Reject(err error) {
	if !u.wantErr {
		u.t.Errorf("update rejected: %v", err)
	}
}
func (u *updateCB) Complete(success any, err error) {
	if u.wantErr {
		u.t.Errorf("update accepted, want it refused")
	}
}

// Cancelling a run that waits answers its pending calls as cancelled; a
// call of the turn that ran gets its real result.
func TestCancelAnswersPendingCalls(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("add", AddIn{A: 1, B: 2}), mistraltest.Call("echo", map[string]string{"s": "x"})}}, nil
	})
	defer s.Close()
	var c counted
	echo := run.MustFunc("echo", "Echoes.", func(ctx context.Context, in map[string]string) (string, error) { return "echoed " + in["s"], nil })
	env := newEnv(t, newRunner(t, s, run.WithFunctions(c.fn().RequireConfirmation(), echo)))
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Minute)
	env.ExecuteWorkflow(temporal.WorkflowName, temporal.RunInput{Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("1+2?")})
	out := outcome(t, env)
	if out.Error == nil || out.Error.Kind != temporal.KindCancelled || c.n != 0 || len(out.Result.Pending) != 0 {
		t.Fatalf("outcome %+v, calls %d, pending %d", out.Error, c.n, len(out.Result.Pending))
	}
	es, _ := s.Conversation(out.Result.ConversationID)
	var got []string
	for _, e := range es {
		if e.Type == "function.result" {
			got = append(got, e.Result)
		}
	}
	if len(got) != 2 || !strings.HasPrefix(got[0], "Cancelled") || got[1] != "echoed x" {
		t.Fatalf("results in the conversation: %q", got)
	}
}

// A long run continues as new at a turn boundary, and no call is run or
// answered twice.
func TestContinueAsNew(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if t.TurnInConversation < 4 {
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("add", AddIn{A: t.TurnInConversation, B: 1})}}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("done")}}, nil
	})
	defer s.Close()
	var c counted
	r := newRunner(t, s, run.WithFunctions(c.fn()))
	env := newEnv(t, r)
	in := temporal.RunInput{Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("count"), Policy: temporal.RunPolicy{ContinueAsNewAfter: 2}}
	var next temporal.RunInput
	for range 5 {
		env.ExecuteWorkflow(temporal.WorkflowName, in)
		err := env.GetWorkflowError()
		if err == nil {
			break
		}
		if !asContinueAsNew(err, &next) {
			t.Fatalf("workflow error: %v", err)
		}
		if next.ConversationID == "" || next.Carried == nil || len(next.Inputs.Entries) != 1 {
			t.Fatalf("continued with %+v", next)
		}
		in = next
		env = newEnv(t, r)
	}
	out := outcome(t, env)
	if out.Error != nil || out.Result.Text() != "done" || out.Result.Turns != 5 || c.n != 4 {
		t.Fatalf("error %v, text %q, turns %d, calls %d", out.Error, out.Result.Text(), out.Result.Turns, c.n)
	}
	for id, n := range results(t, s, out.Result.ConversationID) {
		if n != 1 {
			t.Fatalf("%s has %d results", id, n)
		}
	}
}

// A result past the payload cap is cut with a note.
func TestPayloadCap(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if r, ok := t.ResultOf("big"); ok {
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text(r[len(r)-80:])}}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("big", map[string]any{})}}, nil
	})
	defer s.Close()
	big := run.MustFunc("big", "Big.", func(ctx context.Context, in struct{}) (string, error) {
		return strings.Repeat("x", 100_000), nil
	})
	env := newEnv(t, newRunner(t, s, run.WithFunctions(big)), temporal.WithMaxPayload(4096))
	env.ExecuteWorkflow(temporal.WorkflowName, temporal.RunInput{Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("go")})
	out := outcome(t, env)
	if out.Error != nil || !strings.Contains(out.Result.Text(), "durable run keeps at most 4096 bytes") {
		t.Fatalf("error %v, text %q", out.Error, out.Result.Text())
	}
}

// asContinueAsNew decodes the input of a workflow continued as new.
func asContinueAsNew(err error, in *temporal.RunInput) bool {
	var can *workflow.ContinueAsNewError
	if !errors.As(err, &can) {
		return false
	}
	return converter.GetDefaultDataConverter().FromPayloads(can.Input, in) == nil
}
