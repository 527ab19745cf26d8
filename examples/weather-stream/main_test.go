package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// weatherModel plays the model: John's location, the weather there, then
// the structured answer built from the tool results.
func weatherModel(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
	loc, ok := t.ResultOf("get_location")
	if !ok {
		return mistraltest.Respond(mistraltest.Call("get_location", map[string]string{"name": "John"})), nil
	}
	w, ok := t.ResultOf("get_weather")
	if !ok {
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"location": loc})), nil
	}
	var weather WeatherResult
	if err := json.Unmarshal([]byte(w), &weather); err != nil {
		return mistraltest.Respond(mistraltest.Text("bad weather result: " + w)), nil
	}
	weather.User = "John"
	return mistraltest.Respond(mistraltest.JSON(weather)), nil
}

func TestWeatherStream(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "weather-server")
	if out, err := exec.Command("go", "build", "-o", bin, "../weather/server").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	s := mistraltest.NewServer(weatherModel)
	defer s.Close()
	client, err := mistral.NewClient(mistral.WithServerURL(s.URL), mistral.WithAPIKey("test-key"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var out bytes.Buffer
	if err := example(ctx, client, &out, "", []string{bin}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := out.String()
	t.Log("\n" + got)
	// In this order, with other lines between.
	want := []string{
		"created agent ",
		"conversation.response.started",
		"function.call.delta    get_location",
		"conversation.response.done",
		`tool.started           get_location({"name":"John"})`,
		"function.result        get_location -> Paris",
		`tool.started           get_weather({"location":"Paris"})`,
		`function.result        get_weather -> {"conditions":`,
		`message.output.delta   "{\"user\"`,
		"conversation.response.done",
		"entries: function.call, function.result, function.call, function.result, message.output\n",
		"result: {User:John Location:Paris Temperature:",
	}
	rest := got
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("missing %q (in order) in:\n%s", w, got)
		}
		rest = rest[i+len(w):]
	}
	// The streamed message deltas put together are the structured answer.
	var text strings.Builder
	for _, line := range strings.Split(got, "\n") {
		if q, ok := strings.CutPrefix(line, "message.output.delta   "); ok {
			var s string
			if err := json.Unmarshal([]byte(q), &s); err != nil {
				t.Fatalf("delta %s: %v", q, err)
			}
			text.WriteString(s)
		}
	}
	var w WeatherResult
	if err := json.Unmarshal([]byte(text.String()), &w); err != nil || w.User != "John" || w.Location != "Paris" {
		t.Errorf("deltas make %q (%v)", text.String(), err)
	}
}
