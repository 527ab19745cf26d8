package run_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

func TestAgentToolsUpdatedBeforeRun(t *testing.T) {
	var seen []string
	var mu sync.Mutex
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		mu.Lock()
		seen = seen[:0]
		for _, tl := range t.Tools {
			seen = append(seen, tl.Type+":"+tl.Name)
		}
		mu.Unlock()
		if loc, ok := t.ResultOf("get_location"); ok {
			return mistraltest.Respond(mistraltest.Text(loc)), nil
		}
		return mistraltest.Respond(mistraltest.Call("get_location", map[string]string{"name": "John"})), nil
	})
	defer s.Close()
	c := newClient(t, s)
	ctx := context.Background()
	old := mistral.NewFunctionTool("get_location", "stale", json.RawMessage(`{"type":"object","properties":{}}`), false)
	keep := mistral.NewFunctionTool("other", "kept", json.RawMessage(`{"type":"object","properties":{}}`), false)
	agent, err := c.CreateAgent(ctx, &mistral.CreateAgentRequest{Model: "mistral-medium-latest", Name: "weather teller", Tools: []mistral.Tool{mistral.BuiltinTool("web_search"), old, keep}})
	if err != nil {
		t.Fatal(err)
	}
	r := newRunner(t, s, run.WithAgent(agent.ID), run.WithFunctions(getLocation), run.WithOutput[WeatherResult]())
	for range 3 {
		// The scripted answer is not a WeatherResult: only the tools matter here.
		var oe *run.OutputError
		if _, err := r.Run(ctx, mistral.TextInputs("where is John?")); err != nil && !errors.As(err, &oe) {
			t.Fatal(err)
		}
	}
	got, err := c.GetAgent(ctx, agent.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range got.Tools {
		n := tl.Type
		if tl.Function != nil {
			n += ":" + tl.Function.Name + ":" + tl.Function.Description
		}
		names = append(names, n)
	}
	if toJSON(names) != `["web_search","function:other:kept","function:get_location:Where a person is."]` {
		t.Fatalf("agent tools %v", names)
	}
	if got.CompletionArgs == nil || got.CompletionArgs.ResponseFormat == nil || got.CompletionArgs.ResponseFormat.Type != "json_schema" {
		t.Fatalf("response format not set: %+v", got.CompletionArgs)
	}
	// One update for three runs: the agent is left alone once it matches.
	patches := 0
	for _, rq := range s.Requests() {
		if rq.Method == "PATCH" {
			patches++
		}
	}
	if patches != 1 {
		t.Fatalf("%d PATCHes, want 1", patches)
	}
	if toJSON(seen) != `["web_search:","function:other","function:get_location"]` {
		t.Fatalf("the model saw %v", seen)
	}
}

// Runs of two Runners on one agent, concurrently, do not interleave their
// updates (the race detector and the final state tell).
func TestAgentUpdatesSerialised(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	c := newClient(t, s)
	agent, err := c.CreateAgent(context.Background(), &mistral.CreateAgentRequest{Model: "m", Name: "a"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		fn := getWeather
		if i%2 == 0 {
			fn = getLocation
		}
		r := newRunner(t, s, run.WithAgent(agent.ID), run.WithFunctions(fn))
		wg.Go(func() {
			if _, err := r.Run(context.Background(), mistral.TextInputs("hi")); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, _ := c.GetAgent(context.Background(), agent.ID)
	if len(got.Tools) != 2 {
		t.Fatalf("agent tools %d, want get_weather and get_location", len(got.Tools))
	}
}
