package temporal_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
	"github.com/mcprun/mcprun/temporal"
)

// cutFirstStart is callThenAnswer, except that the API takes the first
// conversation's start and stores it but the stream breaks after two events.
// starts counts the conversations started.
func cutFirstStart() (script mistraltest.Script, starts func() int) {
	var mu sync.Mutex
	n := 0
	script = func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		mu.Lock()
		defer mu.Unlock()
		if turn.TurnInConversation == 0 {
			n++
			if n == 1 {
				r, _ := callThenAnswer(ctx, turn)
				r.CutAfterEvents = 2 // stored, then the stream breaks
				return r, nil
			}
		}
		return callThenAnswer(ctx, turn)
	}
	return script, func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// The API takes a run's first turn and answers it, but the answer never
// reaches the worker (the stream is cut): the retried turn finds that
// conversation by its metadata and goes on in it, instead of starting a
// second conversation and leaving the first orphaned with a call nobody
// answers.
func TestRetriedFirstTurnAdoptsItsConversation(t *testing.T) {
	script, starts := cutFirstStart()
	s := mistraltest.NewServer(script)
	defer s.Close()
	var c counted
	r := newRunner(t, s, run.WithFunctions(c.fn()))
	env := newEnv(t, r)
	env.ExecuteWorkflow(temporal.WorkflowName, temporal.RunInput{Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("1+2?")})
	out := outcome(t, env)
	if out.Error != nil {
		t.Fatal(out.Error)
	}
	if starts() != 1 || out.Result.Text() != "The sum is 3" || c.n != 1 {
		t.Fatalf("%d conversation(s) started, text %q, %d call(s)", starts(), out.Result.Text(), c.n)
	}
	convs, err := r.Client().ListConversations(context.Background(), nil)
	if err != nil || len(convs) != 1 || convs[0].ID != out.Result.ConversationID {
		t.Fatalf("conversations %v %+v, want only %s", err, convs, out.Result.ConversationID)
	}
	if n := results(t, s, out.Result.ConversationID); len(n) != 1 {
		t.Fatalf("function.results %v", n)
	}
}

// A worker's Runner options that a durable run cannot honour are refused,
// not dropped.
func TestRegisterRefusesRunnerOnlyOptions(t *testing.T) {
	s := mistraltest.NewServer(callThenAnswer)
	defer s.Close()
	for _, tc := range []struct {
		opt  run.Option
		want string
	}{
		{run.WithRunTimeout(time.Minute), "RunInput.Timeout"},
		{run.WithDownloadFiles(true), "DownloadFile"},
	} {
		var ts testsuite.WorkflowTestSuite
		err := temporal.Register(ts.NewTestWorkflowEnvironment(), newRunner(t, s, tc.opt))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Register: %v, want an error naming %s", err, tc.want)
		}
	}
}

// An API that refuses the listing does not fail the run: the retried first
// turn starts a conversation, as it did before adoption existed.
func TestRetriedFirstTurnWithoutListing(t *testing.T) {
	script, starts := cutFirstStart()
	s := mistraltest.NewUnstartedServer(script)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/v1/conversations" {
			http.Error(w, `{"object":"error","message":"not here","type":"invalid_request_error"}`, http.StatusBadRequest)
			return
		}
		s.Handler().ServeHTTP(w, r)
	}))
	defer front.Close()
	mc, err := mistral.NewClient(mistral.WithServerURL(front.URL), mistral.WithAPIKey("k"), mistral.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	var c counted
	r, err := run.New(mc, run.WithModel("m"), run.WithFunctions(c.fn()))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	env := newEnv(t, r)
	env.ExecuteWorkflow(temporal.WorkflowName, temporal.RunInput{Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("1+2?")})
	out := outcome(t, env)
	if out.Error != nil || out.Result.Text() != "The sum is 3" || starts() != 2 || c.n != 1 {
		t.Fatalf("error %v, text %q, %d start(s), %d call(s)", out.Error, out.Result.Text(), starts(), c.n)
	}
}
