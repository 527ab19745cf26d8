package run_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
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
				if _, err := r8.Run(ctx, mistral.TextInputs("go")); err != nil {
					b.Fatal(err)
				}
				t8 += time.Since(start)
				start = time.Now()
				if _, err := r1.Run(ctx, mistral.TextInputs("go")); err != nil {
					b.Fatal(err)
				}
				t1 += time.Since(start)
			}
			b.ReportMetric(float64(t8)/float64(t1), "x-one-call")
		})
	}
}

// BenchmarkTurnOverhead measures what the run loop adds to a turn over a
// bare HTTP client doing the same conversation (start, answered with a
// function call; append its result; final answer): net/http, request bodies
// prepared once, the two ids picked from the answer, the body read to the
// end. The fake API runs in a process of its own, so B/op is the client's
// alone. Goal: ≤ +50 µs per turn.
func BenchmarkTurnOverhead(b *testing.B) {
	url := startFakeAPI(b, "-script", "weather")
	ctx := context.Background()
	c, err := mistral.NewClient(mistral.WithServerURL(url), mistral.WithAPIKey("k"))
	if err != nil {
		b.Fatal(err)
	}
	r, err := run.New(c, run.WithModel("m"), run.WithFunctions(getWeather))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	tools, _ := r.Tools(ctx)
	bare := newBareTurns(b, url, tools)
	runOnce := func(b *testing.B) {
		if _, err := r.Run(ctx, mistral.TextInputs("weather")); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("run", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			runOnce(b)
		}
		reportPerTurn(b)
	})
	b.Run("bare-http", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bare.do(b)
		}
		reportPerTurn(b)
	})
	// Both, turn for turn, so that load from elsewhere hits both alike.
	b.Run("interleaved", func(b *testing.B) {
		var tRun, tBare time.Duration
		for b.Loop() {
			start := time.Now()
			runOnce(b)
			tRun += time.Since(start)
			start = time.Now()
			bare.do(b)
			tBare += time.Since(start)
		}
		n := float64(b.N)
		b.ReportMetric(float64(tRun-tBare)/n/2/1e3, "overhead-µs/turn")
		b.ReportMetric(float64(tBare)/n/2/1e3, "bare-µs/turn")
		b.ReportMetric(float64(tRun)/float64(tBare), "x-bare")
	})
}

// reportPerTurn reports the time per turn; B/op and allocs/op are per run,
// two turns.
func reportPerTurn(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/2/1e3, "µs/turn")
}

// bareTurns is the floor of a turn: the same two requests through net/http.
type bareTurns struct {
	url   string
	http  *http.Client
	start []byte
}

func newBareTurns(b *testing.B, url string, tools []mistral.Tool) *bareTurns {
	start, err := json.Marshal(map[string]any{"model": "m", "inputs": "weather", "tools": tools, "stream": false})
	if err != nil {
		b.Fatal(err)
	}
	return &bareTurns{url: url, http: &http.Client{}, start: start}
}

func (t *bareTurns) post(b *testing.B, path string, body []byte, out any) {
	resp, err := t.http.Post(t.url+path, "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("%s: %d %v %s", path, resp.StatusCode, err, data)
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			b.Fatal(err)
		}
	}
}

func (t *bareTurns) do(b *testing.B) {
	var first struct {
		ConversationID string `json:"conversation_id"`
		Outputs        []struct {
			ToolCallID string `json:"tool_call_id"`
		} `json:"outputs"`
	}
	t.post(b, "/v1/conversations", t.start, &first)
	if len(first.Outputs) != 1 {
		b.Fatalf("outputs %+v", first)
	}
	body := []byte(`{"inputs":[{"object":"entry","type":"function.result","tool_call_id":"` + first.Outputs[0].ToolCallID + `","result":"21°C in Paris"}],"stream":false}`)
	t.post(b, "/v1/conversations/"+first.ConversationID, body, nil)
}
