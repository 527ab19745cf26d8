package run_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

func TestStreamMatchesRun(t *testing.T) {
	script := func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if _, ok := t.ResultOf("get_location"); !ok {
			return mistraltest.Respond(mistraltest.Text("Let me check where John is."), mistraltest.ToolExecution("web_search", `{"q":"John"}`, map[string]any{"hits": 2}), mistraltest.Call("get_location", map[string]string{"name": "John"}), mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
		}
		return mistraltest.Respond(mistraltest.JSON(WeatherResult{User: "John", Location: "Paris", Temperature: 21})), nil
	}
	s := mistraltest.NewServer(script, mistraltest.WithDeltaSize(3))
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(getLocation, getWeather), run.WithOutput[WeatherResult]())

	var types []string
	var text strings.Builder
	var res *run.Result
	results := map[string]string{}
	for ev, err := range r.Stream(context.Background(), mistral.TextInputs("weather at John's")) {
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, ev.EventType())
		switch ev := ev.(type) {
		case *mistral.MessageOutputDeltaEvent:
			text.WriteString(ev.Content.Text)
		case *run.FunctionResultEvent:
			results[ev.Name] = ev.Result
		case *run.ResultEvent:
			res = ev.Result
		}
	}
	if types[len(types)-1] != "run.result" || res == nil {
		t.Fatalf("last event %s", types[len(types)-1])
	}
	if results["get_weather"] != "21°C in Paris" || results["get_location"] != `{"city":"Paris"}` {
		t.Fatalf("function results %v", results)
	}
	joined := strings.Join(types, " ")
	for _, want := range []string{"conversation.response.started", "message.output.delta", "tool.execution.started", "function.call.delta", "tool.started", "function.result", "conversation.response.done"} {
		if !strings.Contains(joined, want) {
			t.Errorf("no %s event in %s", want, joined)
		}
	}
	// The entries rebuilt from the deltas are the ones the server stored.
	stored, _ := s.Conversation(res.ConversationID)
	if len(stored) != len(res.Entries()) {
		t.Fatalf("%d entries rebuilt, %d stored", len(res.Entries()), len(stored))
	}
	for i, e := range res.Entries() {
		se := stored[i]
		if e.EntryType() != se.Type {
			t.Fatalf("entry %d: %s vs stored %s", i, e.EntryType(), se.Type)
		}
		switch e := e.(type) {
		case *mistral.FunctionCallEntry:
			if e.Arguments != se.Arguments || e.ToolCallID != se.ToolCallID || e.Name != se.Name || e.ID != se.ID {
				t.Fatalf("call %+v vs %+v", e, se)
			}
		case *mistral.MessageOutputEntry:
			if e.Content.Text != se.Content {
				t.Fatalf("message %q vs %q", e.Content.Text, se.Content)
			}
		case *mistral.ToolExecutionEntry:
			if e.Arguments != se.Arguments || e.Name != se.Name {
				t.Fatalf("tool execution %+v vs %+v", e, se)
			}
		}
	}
	if w, err := run.OutputAs[WeatherResult](res); err != nil || w.Temperature != 21 {
		t.Fatal(w, err)
	}
	if !strings.HasPrefix(text.String(), "Let me check where John is.") {
		t.Fatalf("text %q", text.String())
	}
}

func TestStreamBreakCancels(t *testing.T) {
	s := mistraltest.NewServer(callOnce("slow", map[string]int{"ms": 10000}))
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithMCP(inMemoryWeather()))
	start := time.Now()
	for ev, err := range r.Stream(context.Background(), mistral.TextInputs("go")) {
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := ev.(*run.ToolStartedEvent); ok {
			break // leaves while the slow call runs: it must be cancelled
		}
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("break took %v", time.Since(start))
	}
}

func TestStreamErrorComesWithPartialResult(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("a long answer that is cut")}, CutAfterEvents: 3}, nil
	}, mistraltest.WithDeltaSize(2))
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"))
	var last *run.ResultEvent
	var lastErr error
	n := 0
	for ev, err := range r.Stream(context.Background(), mistral.TextInputs("go")) {
		n++
		if re, ok := ev.(*run.ResultEvent); ok {
			last = re
		}
		lastErr = err
	}
	if !errors.Is(lastErr, mistral.ErrStreamTruncated) || last == nil || len(last.Result.OutputEntries) != 1 {
		t.Fatalf("err %v, last %+v after %d events", lastErr, last, n)
	}
}

// Adjacent text deltas are merged into one chunk, and text after another
// kind of chunk starts a chunk of its own.
func TestStreamRebuildsChunks(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		return mistraltest.Respond(mistraltest.Chunks(
			json.RawMessage(`{"type":"text","text":"ab"}`),
			json.RawMessage(`{"type":"text","text":"cd"}`),
			json.RawMessage(`{"type":"image_url","image_url":"https://example.com/a.png"}`),
			json.RawMessage(`{"type":"text","text":"ef"}`),
			json.RawMessage(`{"type":"text","text":"gh"}`),
		)), nil
	})
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"))
	var res *run.Result
	for ev, err := range r.Stream(context.Background(), mistral.TextInputs("go")) {
		if err != nil {
			t.Fatal(err)
		}
		if re, ok := ev.(*run.ResultEvent); ok {
			res = re.Result
		}
	}
	m, ok := res.OutputEntries[0].(*mistral.MessageOutputEntry)
	if !ok || len(m.Content.Chunks) != 3 {
		t.Fatalf("entries %+v", res.OutputEntries)
	}
	t0, ok0 := m.Content.Chunks[0].(*mistral.TextChunk)
	_, ok1 := m.Content.Chunks[1].(*mistral.ImageURLChunk)
	t2, ok2 := m.Content.Chunks[2].(*mistral.TextChunk)
	if !ok0 || !ok1 || !ok2 || t0.Text != "abcd" || t2.Text != "efgh" {
		t.Fatalf("chunks %+v", m.Content.Chunks)
	}
}
