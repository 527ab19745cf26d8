package run_test

import (
	"context"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// fanOut plays a model that makes n calls of tool in one turn, then answers.
func fanOut(tool string, n int, args any) mistraltest.Script {
	return func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if len(t.Results()) > 0 {
			return mistraltest.Respond(mistraltest.Text("done")), nil
		}
		calls := make([]mistraltest.Output, n)
		for i := range calls {
			calls[i] = mistraltest.Call(tool, args)
		}
		return mistraltest.Respond(calls...), nil
	}
}

// BenchmarkParallelCalls runs a turn of 8 tool calls of 100 ms each and a
// turn of 1 such call, interleaved, and reports their ratio: the goal is
// ≤ 1.2 (the reference runs plain functions one after another: ≈ 8).
func BenchmarkParallelCalls(b *testing.B) {
	sleep := run.MustFunc("sleep", "", func(ctx context.Context, in struct {
		Ms int `json:"ms"`
	}) (string, error) {
		select {
		case <-time.After(time.Duration(in.Ms) * time.Millisecond):
			return "slept", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	})
	for _, kind := range []struct {
		name string
		tool string
		opt  func() run.Option
	}{
		{"go-func", "sleep", func() run.Option { return run.WithFunctions(sleep) }},
		{"mcp", "slow", func() run.Option { return run.WithMCP(inMemoryWeather()) }},
	} {
		b.Run(kind.name, func(b *testing.B) {
			s8 := mistraltest.NewServer(fanOut(kind.tool, 8, map[string]int{"ms": 100}))
			defer s8.Close()
			s1 := mistraltest.NewServer(fanOut(kind.tool, 1, map[string]int{"ms": 100}))
			defer s1.Close()
			r8 := newRunner(b, s8, run.WithModel("m"), kind.opt())
			r1 := newRunner(b, s1, run.WithModel("m"), kind.opt())
			ctx := context.Background()
			var t8, t1 time.Duration
			for b.Loop() {
				start := time.Now()
				if _, err := r8.Run(ctx, "go"); err != nil {
					b.Fatal(err)
				}
				t8 += time.Since(start)
				start = time.Now()
				if _, err := r1.Run(ctx, "go"); err != nil {
					b.Fatal(err)
				}
				t1 += time.Since(start)
			}
			b.ReportMetric(float64(t8)/float64(t1), "x-one-call")
		})
	}
}

// BenchmarkTurnOverhead measures what the run loop adds to a turn over the
// bare HTTP round trips of the same conversation (start with a function
// call, append its result, final answer), interleaved in one process. Goal:
// ≤ 300 µs per turn.
func BenchmarkTurnOverhead(b *testing.B) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if _, ok := t.ResultOf("get_weather"); ok {
			return mistraltest.Respond(mistraltest.Text("ok")), nil
		}
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
	})
	defer s.Close()
	c := newClient(b, s)
	r := newRunner(b, s, run.WithModel("m"), run.WithFunctions(getWeather))
	tools, _ := r.Tools(context.Background())
	ctx := context.Background()
	var tRun, tBare time.Duration
	for b.Loop() {
		start := time.Now()
		if _, err := r.Run(ctx, "weather"); err != nil {
			b.Fatal(err)
		}
		tRun += time.Since(start)

		start = time.Now()
		resp, err := c.StartConversation(ctx, &mistral.ConversationRequest{Model: "m", Inputs: mistral.TextInputs("weather"), Tools: tools})
		if err != nil {
			b.Fatal(err)
		}
		call := resp.Outputs[0].(*mistral.FunctionCallEntry)
		if _, err := c.AppendConversation(ctx, resp.ConversationID, &mistral.AppendRequest{Inputs: mistral.EntryInputs(mistral.NewFunctionResult(call.ToolCallID, "21°C in Paris"))}); err != nil {
			b.Fatal(err)
		}
		tBare += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tRun-tBare)/n/2/1e3, "overhead-µs/turn")
	b.ReportMetric(float64(tBare)/n/2/1e3, "bare-µs/turn")
}
