package run_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// Every CLI run with an agent is a new Runner: it reads the agent (GET) and
// must send no update (PATCH) when the agent already has the run's tools
// and response format, and one when it has not.
func TestAgentUpToDateSendsNoUpdate(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	c := newClient(t, s)
	ctx := context.Background()
	temp := 0.3
	agent, err := c.CreateAgent(ctx, &mistral.CreateAgentRequest{
		Model: "mistral-medium-latest", Name: "a",
		Tools:          []mistral.Tool{mistral.BuiltinTool("web_search")},
		CompletionArgs: &mistral.CompletionArgs{Temperature: &temp},
	})
	if err != nil {
		t.Fatal(err)
	}
	path := "/v1/agents/" + agent.ID
	// runOnce runs a new Runner with opts and returns how many times it read
	// and updated the agent.
	runOnce := func(opts ...run.Option) (gets, patches int, patch json.RawMessage) {
		t.Helper()
		before := len(s.Requests())
		r := newRunner(t, s, append([]run.Option{run.WithAgent(agent.ID)}, opts...)...)
		var oe *run.OutputError // "hi" is no WeatherResult: only the updates matter here
		if _, err := r.Run(ctx, mistral.TextInputs("hi")); err != nil && !errors.As(err, &oe) {
			t.Fatal(err)
		}
		for _, rq := range s.Requests()[before:] {
			switch {
			case rq.Path == path && rq.Method == "GET":
				gets++
			case rq.Path == path && rq.Method == "PATCH":
				patches++
				patch = rq.Body
			}
		}
		return gets, patches, patch
	}
	steps := []struct {
		name        string
		opts        []run.Option
		wantPatches int
	}{
		{"new function", []run.Option{run.WithFunctions(getLocation)}, 1},
		{"same function", []run.Option{run.WithFunctions(getLocation)}, 0},
		{"another function", []run.Option{run.WithFunctions(getLocation, getWeather)}, 1},
		{"same functions, in the same order", []run.Option{run.WithFunctions(getLocation, getWeather)}, 0},
		{"a response format", []run.Option{run.WithFunctions(getLocation, getWeather), run.WithOutput[WeatherResult]()}, 1},
		{"the same response format", []run.Option{run.WithFunctions(getLocation, getWeather), run.WithOutput[WeatherResult]()}, 0},
		{"no response format asked: the agent's is left alone", []run.Option{run.WithFunctions(getLocation, getWeather)}, 0},
	}
	for _, st := range steps {
		gets, patches, body := runOnce(st.opts...)
		if gets != 1 || patches != st.wantPatches {
			t.Fatalf("%s: %d GETs and %d PATCHes, want 1 and %d (last PATCH %s)", st.name, gets, patches, st.wantPatches, body)
		}
	}
	// What the updates left: the built-in tool and the temperature kept.
	got, err := c.GetAgent(ctx, agent.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range got.Tools {
		n := tl.Type
		if tl.Function != nil {
			n += ":" + tl.Function.Name
		}
		names = append(names, n)
	}
	if toJSON(names) != `["web_search","function:get_location","function:get_weather"]` {
		t.Fatalf("agent tools %v", names)
	}
	if a := got.CompletionArgs; a == nil || a.Temperature == nil || *a.Temperature != temp || a.ResponseFormat == nil || a.ResponseFormat.Type != "json_schema" {
		t.Fatalf("completion args %s", toJSON(got.CompletionArgs))
	}
}
