package run_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// callOnce plays a model that makes one call, then echoes what it got back.
func callOnce(name string, args any) mistraltest.Script {
	return func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		for _, res := range t.Results() {
			return mistraltest.Respond(mistraltest.Text("got: " + res)), nil
		}
		return mistraltest.Respond(mistraltest.Call(name, args)), nil
	}
}

var boom = run.MustFunc("boom", "fails", func(ctx context.Context, in struct{}) (string, error) {
	return "", errors.New("the disk is on fire")
})

var panics = run.MustFunc("panics", "panics", func(ctx context.Context, in struct{}) (string, error) {
	panic("nil map")
})

// panickyInput panics while its arguments are decoded, before the function
// runs: in the run's own goroutine, where the panic must not escape either.
type panickyInput struct{}

func (*panickyInput) UnmarshalJSON([]byte) error { panic("bad decoder") }

var panicsDecoding = run.MustFunc("panics_decoding", "its input panics", func(ctx context.Context, in panickyInput) (string, error) {
	return "unreachable", nil
})

var hangs = run.MustFunc("hangs", "ignores its context", func(ctx context.Context, in struct{}) (string, error) {
	<-ctx.Done()
	time.Sleep(20 * time.Millisecond) // a little past the deadline
	return "late", nil
})

func TestToolFailures(t *testing.T) {
	cases := []struct {
		name    string
		call    string
		args    any
		is      error  // matched by the *ToolError without continue-on-error
		modelIs string // what the model reads with it
	}{
		{"error", "boom", map[string]any{}, nil, "Error while executing boom: the disk is on fire"},
		{"panic", "panics", map[string]any{}, run.ErrToolPanic, "Error while executing panics: tool panicked: nil map"},
		{"panic decoding", "panics_decoding", map[string]any{}, run.ErrToolPanic, "Error while executing panics_decoding: tool panicked: bad decoder"},
		{"unknown tool", "nope", map[string]any{}, run.ErrUnknownTool, `Error while executing nope: unknown tool "nope"`},
		{"unknown field", "get_weather", map[string]any{"city": "Paris", "extra": 1}, run.ErrInvalidArguments, "Error while executing get_weather: invalid arguments"},
		{"wrong type", "get_weather", map[string]any{"city": 3}, run.ErrInvalidArguments, "invalid arguments"},
		{"name in another case", "get_weather", map[string]any{"City": "Paris"}, run.ErrInvalidArguments, "invalid arguments"},
		{"not JSON", "get_weather", "{not json", run.ErrInvalidArguments, "invalid arguments: not JSON"},
		{"timeout", "hangs", map[string]any{}, run.ErrToolTimeout, "Error while executing hangs: tool call timed out after 50ms"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := mistraltest.NewServer(callOnce(tc.call, tc.args))
			defer s.Close()
			opts := []run.Option{run.WithModel("m"), run.WithFunctions(boom, panics, panicsDecoding, hangs, getWeather), run.WithFunctionTimeout(50 * time.Millisecond)}

			// Off: the run stops with a ToolError naming the tool, entries kept.
			res, err := newRunner(t, s, opts...).Run(context.Background(), mistral.TextInputs("go"))
			var te *run.ToolError
			if !errors.As(err, &te) || te.Tool != tc.call || (tc.is != nil && !errors.Is(err, tc.is)) {
				t.Fatalf("err %v, want a ToolError for %s matching %v", err, tc.call, tc.is)
			}
			if res == nil || len(res.OutputEntries) != 1 || res.OutputEntries[0].EntryType() != "function.call" {
				t.Fatalf("entries so far not kept: %+v", res)
			}

			// On: the model reads the error and answers.
			res, err = newRunner(t, s, append(opts, run.WithContinueOnError(true))...).Run(context.Background(), mistral.TextInputs("go"))
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Text(); !strings.Contains(got, tc.modelIs) {
				t.Fatalf("model read %q, want it to contain %q", got, tc.modelIs)
			}
		})
	}
}

func TestMaxTurns(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
	})
	defer s.Close()
	res, err := newRunner(t, s, run.WithModel("m"), run.WithFunctions(getWeather), run.WithMaxTurns(3)).Run(context.Background(), mistral.TextInputs("loop"))
	var mt *run.MaxTurnsError
	// The last turn's call is not run: it stays pending for a resume.
	if !errors.As(err, &mt) || mt.Turns != 3 || mt.Pending != 1 || len(res.OutputEntries) != 5 || len(res.Pending) != 1 {
		t.Fatalf("err %v, %d entries, %d pending", err, len(res.OutputEntries), len(res.Pending))
	}
}

func TestApprovalDenies(t *testing.T) {
	s := mistraltest.NewServer(callOnce("get_weather", map[string]string{"city": "Paris"}))
	defer s.Close()
	var started, ended []string
	r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(getWeather),
		run.WithApproval(func(ctx context.Context, c run.ToolCall) (bool, string) {
			return c.Name != "get_weather", "weather is classified"
		}),
		run.WithHooks(run.Hooks{
			OnToolStart: func(ctx context.Context, c run.ToolCall) { started = append(started, c.Name) },
			OnToolEnd: func(ctx context.Context, c run.ToolCall, o run.ToolOutcome) {
				if o.Denied {
					ended = append(ended, c.Name)
				}
			},
		}))
	res, err := r.Run(context.Background(), mistral.TextInputs("go"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Text() != "got: Tool call denied: weather is classified" || len(started) != 1 || len(ended) != 1 {
		t.Fatalf("%q started %v ended %v", res.Text(), started, ended)
	}
}

func TestAPIErrorMidRun(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if t.TurnInConversation > 0 {
			return &mistraltest.Reply{Status: 400}, nil
		}
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
	})
	defer s.Close()
	res, err := newRunner(t, s, run.WithModel("m"), run.WithFunctions(getWeather)).Run(context.Background(), mistral.TextInputs("go"))
	var apiErr *mistral.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
		t.Fatalf("err %v", err)
	}
	if len(res.OutputEntries) != 2 || res.ConversationID == "" {
		t.Fatalf("entries so far: %d conv %q", len(res.OutputEntries), res.ConversationID)
	}
}

func TestCancelDuringToolCall(t *testing.T) {
	s := mistraltest.NewServer(callOnce("slow", map[string]int{"ms": 10000}))
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithMCP(inMemoryWeather()))
	// Connected first, so that the deadline falls during the tool call
	// (which takes 10 s), not during the start on a loaded machine.
	if err := r.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	res, err := r.Run(ctx, mistral.TextInputs("go"))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 5*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	if len(res.OutputEntries) != 1 {
		t.Fatalf("entries %d", len(res.OutputEntries))
	}
}
