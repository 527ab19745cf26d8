package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"go.uber.org/goleak"
)

// The example leaves nothing running: not the run, not the MCP client, not
// the server process's pipes.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// buildServer builds the weather MCP server into a temporary directory.
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "weather-server")
	if out, err := exec.Command("go", "build", "-o", bin, "./server").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// weatherModel plays the model: John's location, the weather there, then
// the structured answer built from the tool results.
func weatherModel(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
	if t.AgentID == "" || t.ResponseFormat == nil || t.ResponseFormat.Type != "json_schema" || !t.ResponseFormat.Strict {
		return nil, fmt.Errorf("want an agent run with a strict json_schema format, got agent %q format %+v", t.AgentID, t.ResponseFormat)
	}
	loc, ok := t.ResultOf("get_location")
	if !ok {
		return mistraltest.Respond(mistraltest.Call("get_location", map[string]string{"name": "John"})), nil
	}
	w, ok := t.ResultOf("get_weather")
	if !ok {
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"location": loc})), nil
	}
	var weather struct {
		Location    string  `json:"location"`
		Temperature float64 `json:"temperature"`
	}
	if err := json.Unmarshal([]byte(w), &weather); err != nil {
		return mistraltest.Respond(mistraltest.Text("bad weather result: " + w)), nil
	}
	return mistraltest.Respond(mistraltest.JSON(WeatherResult{User: "John", Location: weather.Location, Temperature: weather.Temperature})), nil
}

func newClient(t *testing.T, s *mistraltest.Server) *mistral.Client {
	t.Helper()
	c, err := mistral.NewClient(mistral.WithServerURL(s.URL), mistral.WithAPIKey("test-key"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestWeather(t *testing.T) {
	server := buildServer(t)
	s := mistraltest.NewServer(weatherModel)
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var out bytes.Buffer
	if err := example(ctx, newClient(t, s), &out, "", []string{server}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Log("\n" + out.String())
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		"created agent ",
		`function.call    get_location({"name":"John"})`,
		"function.result  Paris",
		`function.call    get_weather({"location":"Paris"})`,
		`function.result  {"conditions":`,
		`message.output   {"user":"John","location":"Paris","temperature":`,
		"result: {User:John Location:Paris Temperature:",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d", len(lines), len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
	// The run used the agent it created (weatherModel checks its format).
	var agentRuns int
	for _, r := range s.Requests() {
		if r.Method == "POST" && r.Path == "/v1/conversations" && strings.Contains(string(r.Body), `"agent_id"`) {
			agentRuns++
		}
	}
	if agentRuns != 1 {
		t.Errorf("%d conversations started with an agent, want 1", agentRuns)
	}
}

// An existing agent is reused, not created again.
func TestWeatherReusesAgent(t *testing.T) {
	server := buildServer(t)
	s := mistraltest.NewServer(weatherModel)
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := newClient(t, s)
	agent, err := client.CreateAgent(ctx, &mistral.CreateAgentRequest{Model: "mistral-medium-latest", Name: "weather teller"})
	if err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	if err := example(ctx, client, &out, agent.ID, []string{server}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "created agent") || !strings.Contains(out.String(), "result: {User:John Location:Paris") {
		t.Errorf("output:\n%s", out.String())
	}
}
