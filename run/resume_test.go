package run_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
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

// callsThen plays a model that makes calls on the conversation's first
// turn, then answers with the results it got.
func callsThen(calls ...mistraltest.Output) mistraltest.Script {
	return func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if t.TurnInConversation == 0 {
			return mistraltest.Respond(calls...), nil
		}
		var res []string
		for _, e := range t.Entries {
			if e.Type == "function.result" {
				res = append(res, e.Result)
			}
		}
		return mistraltest.Respond(mistraltest.Text("answered: " + strings.Join(res, " | "))), nil
	}
}

// answeredOnce checks, on the server's copy, that every function call of
// the conversation has exactly one result, and no result answers nothing.
func answeredOnce(t *testing.T, s *mistraltest.Server, id string) {
	t.Helper()
	entries, ok := s.Conversation(id)
	if !ok {
		t.Fatalf("no conversation %s", id)
	}
	n := map[string]int{}
	for _, e := range entries {
		switch {
		case e.Type == "function.call" && e.ConfirmationStatus == "":
			n[e.ToolCallID] += 0
		case e.Type == "function.result":
			n[e.ToolCallID]++
		}
	}
	for id, k := range n {
		if k != 1 {
			t.Errorf("tool_call_id %s answered %d times", id, k)
		}
	}
}

// counted is a function that counts its calls and records its arguments.
func counted(name string, n *atomic.Int32, args *[]string) *run.Function {
	return run.MustFunc(name, "Counts.", func(ctx context.Context, in WeatherIn) (string, error) {
		n.Add(1)
		if args != nil {
			*args = append(*args, in.City)
		}
		return name + " ran for " + in.City, nil
	})
}

func TestMaxTurnsThenResumeWithMoreTurns(t *testing.T) {
	// The model calls get_weather on its first three turns, then answers.
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if t.TurnInConversation < 3 {
			return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": fmt.Sprint(t.TurnInConversation)})), nil
		}
		return mistraltest.Respond(mistraltest.Text("finally")), nil
	})
	defer s.Close()
	var n atomic.Int32
	r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(counted("get_weather", &n, nil)), run.WithMaxTurns(2))
	res, err := r.Run(context.Background(), mistral.TextInputs("go"))
	var mt *run.MaxTurnsError
	if !errors.As(err, &mt) || res.ConversationID == "" || len(res.Pending) != 1 || n.Load() != 1 {
		t.Fatalf("err %v, pending %d, ran %d", err, len(res.Pending), n.Load())
	}
	// Resuming with the same budget stops again, having answered the
	// pending call; a larger budget finishes.
	res, err = r.Resume(context.Background(), res.ConversationID, run.TurnLimit(5))
	if err != nil || res.Text() != "finally" || n.Load() != 3 {
		t.Fatalf("resume: %v, %q, ran %d", err, res.Text(), n.Load())
	}
	answeredOnce(t, s, res.ConversationID)
}

func TestInterruptedRunResumes(t *testing.T) {
	s := mistraltest.NewServer(callsThen(mistraltest.Call("slow", map[string]int{"ms": 400}), mistraltest.Call("get_weather", map[string]string{"city": "Oslo"})))
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithMCP(inMemoryWeather()))
	ctx, cancel := context.WithCancel(context.Background())
	r2 := newRunner(t, s, run.WithModel("m"), run.WithMCP(inMemoryWeather()), run.WithHooks(run.Hooks{
		OnToolStart: func(_ context.Context, c run.ToolCall) {
			if c.Name == "slow" {
				go func() { time.Sleep(30 * time.Millisecond); cancel() }()
			}
		},
	}))
	res, err := r2.Run(ctx, mistral.TextInputs("go"))
	if !errors.Is(err, context.Canceled) || res.ConversationID == "" || len(res.Pending) != 2 {
		t.Fatalf("interrupted: %v, id %q, %d pending", err, res.ConversationID, len(res.Pending))
	}
	// A plain append is refused, as the API does: the calls are unanswered.
	if _, err := r.Run(context.Background(), mistral.TextInputs("continue"), run.InConversation(res.ConversationID)); err != nil {
		// Run with InConversation answers the pending calls first: it must succeed.
		t.Fatalf("run in the conversation: %v", err)
	}
	answeredOnce(t, s, res.ConversationID)
	// The prompt went in the same append, after the results.
	bodies := appendBodies(s)
	in := bodies[len(bodies)-1]["inputs"].([]any)
	if len(in) != 3 || in[0].(map[string]any)["type"] != "function.result" || in[2].(map[string]any)["type"] != "message.input" {
		t.Errorf("append inputs: %v", in)
	}
}

func TestResumeBadInput(t *testing.T) {
	s := mistraltest.NewServer(callsThen(mistraltest.Call("nope", nil), mistraltest.Call("other", nil)))
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(getWeather), run.WithMaxTurns(1))
	// A conversation that does not exist.
	if _, err := r.Resume(context.Background(), "conv_missing"); err == nil || !strings.Contains(err.Error(), "conv_missing") {
		t.Errorf("missing conversation: %v", err)
	}
	res, err := r.Run(context.Background(), mistral.TextInputs("go"))
	if res == nil || len(res.Pending) != 2 {
		t.Fatalf("%v", err)
	}
	// Pending calls to tools this Runner lacks: named, nothing sent.
	before := len(s.Requests())
	_, err = r.Resume(context.Background(), res.ConversationID)
	if !errors.Is(err, run.ErrUnknownTool) || !strings.Contains(err.Error(), "nope, other") {
		t.Errorf("unknown tools: %v", err)
	}
	for _, rq := range s.Requests()[before:] {
		if rq.Method == "POST" {
			t.Errorf("sent %s", rq.Path)
		}
	}
	// With continue-on-error the model reads an error for each.
	r2 := newRunner(t, s, run.WithModel("m"), run.WithFunctions(getWeather), run.WithContinueOnError(true))
	res, err = r2.Resume(context.Background(), res.ConversationID)
	if err != nil || !strings.Contains(res.Text(), "unknown tool") {
		t.Fatalf("continue-on-error: %v %q", err, res.Text())
	}
	// Nothing pending and no prompt: one clear error.
	_, err = r2.Resume(context.Background(), res.ConversationID)
	if !errors.Is(err, run.ErrNothingToResume) {
		t.Errorf("nothing to resume: %v", err)
	}
}

func TestDeferralMarshalledAndContinuedByANewRunner(t *testing.T) {
	s := mistraltest.NewServer(callsThen(
		mistraltest.Call("delete_city", map[string]string{"city": "Paris"}),
		mistraltest.Call("get_weather", map[string]string{"city": "Rome"}),
		mistraltest.Call("delete_city", map[string]string{"city": "Oslo"}),
	))
	defer s.Close()
	var deletes, weathers atomic.Int32
	var deleted []string
	tools := func() run.Option {
		return run.WithFunctions(counted("delete_city", &deletes, &deleted).RequireConfirmation(), counted("get_weather", &weathers, nil))
	}
	var events []string
	r := newRunner(t, s, run.WithModel("m"), tools())
	var res *run.Result
	var err error
	for ev, e := range r.Stream(context.Background(), mistral.TextInputs("go")) {
		if c, ok := ev.(*run.ConfirmationRequiredEvent); ok {
			events = append(events, c.Call.Name+":"+c.Reason)
		}
		if re, ok := ev.(*run.ResultEvent); ok {
			res, err = re.Result, e
		}
	}
	var de *run.DeferredError
	if !errors.As(err, &de) || len(de.Deferral.Calls) != 2 || len(de.Deferral.Executed) != 1 || weathers.Load() != 1 || deletes.Load() != 0 {
		t.Fatalf("err %v, weather ran %d, delete ran %d", err, weathers.Load(), deletes.Load())
	}
	if len(events) != 2 || events[0] != "delete_city:"+run.ReasonConfirmationRequired {
		t.Errorf("events %v", events)
	}
	if len(res.Pending) != 3 {
		t.Errorf("pending %d", len(res.Pending))
	}
	state, err := json.Marshal(de.Deferral)
	if err != nil {
		t.Fatal(err)
	}

	// Another process: a new Runner with the same tools.
	var back run.Deferral
	if err := json.Unmarshal(state, &back); err != nil {
		t.Fatal(err)
	}
	calls := back.Calls
	r2 := newRunner(t, s, run.WithModel("m"), tools())
	res, err = r2.Resume(context.Background(), back.ConversationID, run.WithDecisions(&back,
		run.ApproveWithArguments(calls[0].ToolCallID, json.RawMessage(`{"city":"Lyon"}`)),
		run.Reject(calls[1].ToolCallID, "not Oslo")))
	if err != nil {
		t.Fatal(err)
	}
	if deletes.Load() != 1 || weathers.Load() != 1 || !slices.Equal(deleted, []string{"Lyon"}) {
		t.Errorf("delete ran %d (%v), weather %d", deletes.Load(), deleted, weathers.Load())
	}
	if want := "answered: delete_city ran for Lyon | get_weather ran for Rome | Tool call denied: not Oslo"; res.Text() != want {
		t.Errorf("answer %q", res.Text())
	}
	answeredOnce(t, s, back.ConversationID)

	// The same state again: refused, nothing runs twice.
	r3 := newRunner(t, s, run.WithModel("m"), tools())
	_, err = r3.Resume(context.Background(), back.ConversationID, run.WithDecisions(&back, run.Approve(calls[0].ToolCallID), run.Approve(calls[1].ToolCallID)))
	if !errors.Is(err, run.ErrDeferralMismatch) || deletes.Load() != 1 {
		t.Errorf("second continuation: %v, delete ran %d", err, deletes.Load())
	}
}

func TestDeferralRefusedByOtherTools(t *testing.T) {
	s := mistraltest.NewServer(callsThen(mistraltest.Call("delete_city", map[string]string{"city": "Paris"})))
	defer s.Close()
	var n atomic.Int32
	r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(counted("delete_city", &n, nil).RequireConfirmation()))
	_, err := r.Run(context.Background(), mistral.TextInputs("go"))
	var de *run.DeferredError
	if !errors.As(err, &de) {
		t.Fatal(err)
	}
	other := run.MustFunc("delete_city", "Other.", func(ctx context.Context, in struct {
		Town string `json:"town"`
	}) (string, error) {
		n.Add(1)
		return "", nil
	})
	for name, opt := range map[string]run.Option{
		"other parameters": run.WithFunctions(other),
		"missing":          run.WithFunctions(getWeather),
	} {
		r2 := newRunner(t, s, run.WithModel("m"), opt)
		_, err = r2.Resume(context.Background(), de.Deferral.ConversationID, run.WithDecisions(de.Deferral, run.Approve(de.Deferral.Calls[0].ToolCallID)))
		if !errors.Is(err, run.ErrDeferralMismatch) || !strings.Contains(err.Error(), `"delete_city"`) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if n.Load() != 0 {
		t.Errorf("ran %d times", n.Load())
	}
	// Decisions must cover every deferred call.
	if _, err := r.Resume(context.Background(), de.Deferral.ConversationID, run.WithDecisions(de.Deferral)); err == nil || !strings.Contains(err.Error(), "no decision") {
		t.Errorf("missing decision: %v", err)
	}
}

// A call the API holds for confirmation is never executed locally; it is
// answered with tool_confirmations, through the same approval path.
func TestServerSideConfirmation(t *testing.T) {
	script := func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if t.TurnInConversation == 0 {
			return mistraltest.Respond(mistraltest.PendingCall("get_weather", map[string]string{"city": "Nice"})), nil
		}
		return mistraltest.Respond(mistraltest.Text(fmt.Sprint("confirmations: ", t.Confirmations))), nil
	}
	s := mistraltest.NewServer(script)
	defer s.Close()
	var n atomic.Int32
	fn := counted("get_weather", &n, nil)

	// Synchronous approver: asked, answer sent as a tool confirmation.
	asked := 0
	r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(fn), run.WithApproval(func(ctx context.Context, c run.ToolCall) (bool, string) {
		asked++
		return false, "no"
	}))
	res, err := r.Run(context.Background(), mistral.TextInputs("go"))
	if err != nil || asked != 1 || !strings.Contains(res.Text(), ":deny]") {
		t.Fatalf("%v, asked %d, %q", err, asked, res.Text())
	}
	bodies := appendBodies(s)
	if tc, _ := json.Marshal(bodies[len(bodies)-1]["tool_confirmations"]); !strings.Contains(string(tc), `"confirmation":"deny"`) {
		t.Errorf("append: %v", bodies[len(bodies)-1])
	}

	// No approver: the run defers; continued with an approval.
	r2 := newRunner(t, s, run.WithModel("m"), run.WithFunctions(fn))
	_, err = r2.Run(context.Background(), mistral.TextInputs("go"))
	var de *run.DeferredError
	if !errors.As(err, &de) || de.Deferral.Calls[0].Reason != run.ReasonServerConfirmation {
		t.Fatalf("%v", err)
	}
	res, err = r2.Resume(context.Background(), de.Deferral.ConversationID, run.WithDecisions(de.Deferral, run.Approve(de.Deferral.Calls[0].ToolCallID)))
	if err != nil || !strings.Contains(res.Text(), ":allow]") {
		t.Fatalf("%v %q", err, res.Text())
	}
	if n.Load() != 0 {
		t.Errorf("a server-held call ran locally %d times", n.Load())
	}
}

// Streamed, the call the API holds is known from its first delta: the
// stream yields a ConfirmationRequiredEvent and nothing runs locally.
func TestServerSideConfirmationStreamed(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if t.TurnInConversation == 0 {
			return mistraltest.Respond(mistraltest.PendingCall("get_weather", map[string]string{"city": "Nice"})), nil
		}
		return mistraltest.Respond(mistraltest.Text(fmt.Sprint("confirmations: ", t.Confirmations))), nil
	}, mistraltest.WithDeltaSize(3))
	defer s.Close()
	var n atomic.Int32
	r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(counted("get_weather", &n, nil)),
		run.WithApproval(func(ctx context.Context, c run.ToolCall) (bool, string) { return true, "" }))
	var confirmations, started int
	var res *run.Result
	for ev, err := range r.Stream(context.Background(), mistral.TextInputs("go")) {
		if err != nil {
			t.Fatal(err)
		}
		switch ev := ev.(type) {
		case *run.ConfirmationRequiredEvent:
			if ev.Reason == run.ReasonServerConfirmation {
				confirmations++
			}
		case *run.ToolStartedEvent:
			started++
		case *run.ResultEvent:
			res = ev.Result
		}
	}
	if confirmations != 1 || started != 0 || n.Load() != 0 || !strings.Contains(res.Text(), ":allow]") {
		t.Fatalf("%d confirmation events, %d local starts, ran %d, %q", confirmations, started, n.Load(), res.Text())
	}
}

func TestMCPRequireConfirmationByAnnotations(t *testing.T) {
	srv := mcp.NewServer(&mcp.Implementation{Name: "files", Version: "1"}, nil)
	yes, no := true, false
	add := func(name string, destructive *bool) {
		mcp.AddTool(srv, &mcp.Tool{Name: name, Annotations: &mcp.ToolAnnotations{DestructiveHint: destructive}}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: name + " done"}}}, nil, nil
		})
	}
	add("rm", &yes)
	add("ls", &no)
	s := mistraltest.NewServer(callsThen(mistraltest.Call("rm", nil), mistraltest.Call("ls", nil)))
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithMCP(mustMCP(mcpclient.NewInMemory(srv, mcpclient.WithName("files"))),
		run.RequireConfirmationIf(func(t mcpclient.Tool) bool {
			return t.Annotations != nil && t.Annotations.DestructiveHint != nil && *t.Annotations.DestructiveHint
		})))
	_, err := r.Run(context.Background(), mistral.TextInputs("go"))
	var de *run.DeferredError
	if !errors.As(err, &de) || len(de.Deferral.Calls) != 1 || de.Deferral.Calls[0].Name != "rm" || de.Deferral.Calls[0].Server != "files" {
		t.Fatalf("%v", err)
	}
	if len(de.Deferral.Executed) != 1 || de.Deferral.Executed[0].Result != "ls done" {
		t.Errorf("executed %+v", de.Deferral.Executed)
	}
}

func TestRunTimeoutKeepsConversation(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Sequence(
		mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": "Paris"})),
		&mistraltest.Reply{Stall: true},
	))
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(getWeather), run.WithRunTimeout(300*time.Millisecond))
	start := time.Now()
	res, err := r.Run(context.Background(), mistral.TextInputs("go"))
	if !errors.Is(err, run.ErrRunTimeout) || !errors.Is(err, context.DeadlineExceeded) || res.ConversationID == "" || len(res.Pending) != 1 {
		t.Fatalf("err %v, %+v", err, res)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}
