package run_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

type WeatherResult struct {
	User        string  `json:"user"`
	Location    string  `json:"location"`
	Temperature float64 `json:"temperature"`
}

func TestStructuredOutput(t *testing.T) {
	var format *mistraltest.ResponseFormat
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		format = t.ResponseFormat
		return mistraltest.Respond(mistraltest.JSON(WeatherResult{User: "John", Location: "Paris", Temperature: 21.5})), nil
	})
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithOutput[WeatherResult]())
	res, err := r.Run(context.Background(), mistral.TextInputs("weather?"))
	if err != nil {
		t.Fatal(err)
	}
	if format == nil || format.Type != "json_schema" || !format.Strict || format.Name != "WeatherResult" {
		t.Fatalf("response format %+v", format)
	}
	var schema map[string]any
	json.Unmarshal(format.Schema, &schema)
	if schema["type"] != "object" || schema["additionalProperties"] != false {
		t.Fatalf("schema %s", format.Schema)
	}
	w, err := run.OutputAs[WeatherResult](res)
	if err != nil || w != (WeatherResult{"John", "Paris", 21.5}) {
		t.Fatalf("%+v %v", w, err)
	}
	if raw, err := run.OutputAs[json.RawMessage](res); err != nil || !json.Valid(raw) || string(raw) != res.Text() {
		t.Fatal(string(raw), err)
	}
}

// OutputAs refuses an answer with anything after its JSON value: a second
// value, a stray closing brace, prose. Both decode targets are checked, as
// json.RawMessage takes another path through the decoder.
func TestOutputTrailingText(t *testing.T) {
	valid := `{"user":"John","location":"Paris","temperature":21}`
	for _, answer := range []string{
		valid + ` {"user":"Jane"}`,
		valid + `}`,
		valid + `]`,
		valid + ` It is sunny.`,
		"```json\n" + valid + "\n```\nEnjoy!",
	} {
		res := &run.Result{OutputEntries: mistral.Entries{&mistral.MessageOutputEntry{Content: mistral.TextContent(answer)}}}
		var oe *run.OutputError
		if w, err := run.OutputAs[WeatherResult](res); !errors.As(err, &oe) || oe.Text != answer {
			t.Errorf("%q: got %+v, %v", answer, w, err)
		}
		if raw, err := run.OutputAs[json.RawMessage](res); !errors.As(err, &oe) {
			t.Errorf("%q as raw JSON: got %s, %v", answer, raw, err)
		}
	}
	for _, answer := range []string{valid, valid + "\n\t ", "```json\n" + valid + "\n```"} {
		res := &run.Result{OutputEntries: mistral.Entries{&mistral.MessageOutputEntry{Content: mistral.TextContent(answer)}}}
		if _, err := run.OutputAs[WeatherResult](res); err != nil {
			t.Errorf("%q: %v", answer, err)
		}
	}
}

// Text is the last message, and OutputAs decodes that same text, however
// many messages the run produced.
func TestTextAndOutputAsAgree(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if _, ok := t.ResultOf("get_weather"); !ok {
			return mistraltest.Respond(mistraltest.Text("Looking it up."), mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
		}
		return mistraltest.Respond(mistraltest.Text("Here it is:"), mistraltest.JSON(WeatherResult{User: "John", Location: "Paris", Temperature: 21})), nil
	})
	defer s.Close()
	res, err := newRunner(t, s, run.WithModel("m"), run.WithFunctions(getWeather), run.WithOutput[WeatherResult]()).Run(context.Background(), mistral.TextInputs("x"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"user":"John","location":"Paris","temperature":21}`
	if res.Text() != want {
		t.Fatalf("text %q", res.Text())
	}
	if w, err := run.OutputAs[WeatherResult](res); err != nil || w.Location != "Paris" {
		t.Fatal(w, err)
	}
}

func TestStructuredOutputMismatch(t *testing.T) {
	for _, answer := range []string{"It is sunny.", `{"user":"John","mood":"happy"}`, `{"user":1}`} {
		s := mistraltest.NewServer(mistraltest.Sequence(mistraltest.Respond(mistraltest.Text(answer))))
		res, err := newRunner(t, s, run.WithModel("m"), run.WithOutput[WeatherResult]()).Run(context.Background(), mistral.TextInputs("x"))
		s.Close()
		// The run checks the answer against the schema: it fails, naming
		// the violation, with its Result.
		var oe *run.OutputError
		if !errors.As(err, &oe) || oe.Text != answer || res == nil || res.Text() != answer {
			t.Fatalf("%q: run err %v", answer, err)
		}
		_, err = run.OutputAs[WeatherResult](res)
		if !errors.As(err, &oe) || oe.Text != answer {
			t.Fatalf("%q: err %v", answer, err)
		}
	}
}

func TestOutputTolerateFence(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Sequence(mistraltest.Respond(mistraltest.Text("```json\n{\"user\":\"a\",\"location\":\"b\",\"temperature\":1}\n```"))))
	defer s.Close()
	res, err := newRunner(t, s, run.WithModel("m")).Run(context.Background(), mistral.TextInputs("x"))
	if err != nil {
		t.Fatal(err)
	}
	if w, err := run.OutputAs[WeatherResult](res); err != nil || w.Location != "b" {
		t.Fatal(w, err)
	}
}

func TestTextMarkers(t *testing.T) {
	s := mistraltest.NewServer(nil)
	defer s.Close()
	id := s.AddFile("plot.png", "image/png", []byte("PNG..."))
	s2 := mistraltest.NewServer(mistraltest.Sequence(mistraltest.Respond(mistraltest.Chunks(
		json.RawMessage(`{"type":"text","text":"Here: "}`),
		json.RawMessage(`{"type":"tool_file","tool":"code_interpreter","file_id":"`+id+`","file_name":"plot.png","file_type":"png"}`),
		json.RawMessage(`{"type":"tool_reference","tool":"web_search","title":"Go","url":"https://go.dev"}`),
	))))
	defer s2.Close()
	res, err := newRunner(t, s2, run.WithModel("m")).Run(context.Background(), mistral.TextInputs("x"))
	if err != nil {
		t.Fatal(err)
	}
	want := "Here: <File id=" + id + " name=plot.png><Reference title=Go url=https://go.dev>"
	if got := res.Text(); got != want {
		t.Fatalf("%q\nwant %q", got, want)
	}
	if len(res.Files) != 1 || res.Files[0].Name != "plot.png" || res.Files[0].Tool != "code_interpreter" {
		t.Fatalf("files %+v", res.Files)
	}
}

func TestDownloadFiles(t *testing.T) {
	var id string
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		return mistraltest.Respond(mistraltest.Chunks(json.RawMessage(`{"type":"tool_file","tool":"image_generation","file_id":"` + id + `","file_name":"cat.png","file_type":"png"}`))), nil
	})
	defer s.Close()
	id = s.AddFile("cat.png", "image/png", []byte("\x89PNG cat"))
	res, err := newRunner(t, s, run.WithModel("m"), run.WithDownloadFiles(true)).Run(context.Background(), mistral.TextInputs("draw a cat"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || string(res.Files[0].Data) != "\x89PNG cat" {
		t.Fatalf("files %+v", res.Files)
	}
}

// The run names the first violation of the schema.
func TestStructuredOutputViolationNamed(t *testing.T) {
	schema := json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"},"population":{"type":"integer","minimum":0}},"required":["city","population"],"additionalProperties":false}`)
	for answer, want := range map[string]string{
		`{"city":"Paris"}`:                      "population",
		`{"city":"Paris","population":-3}`:      "minimum",
		`{"city":"Paris","population":1,"x":1}`: "additional",
		`Paris, about 2 million`:                "not JSON",
	} {
		s := mistraltest.NewServer(mistraltest.Sequence(mistraltest.Respond(mistraltest.Text(answer))))
		res, err := newRunner(t, s, run.WithModel("m"), run.WithOutputSchema("city", schema)).Run(context.Background(), mistral.TextInputs("x"))
		s.Close()
		var oe *run.OutputError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), want) || res == nil || res.ConversationID == "" {
			t.Errorf("%s: %v", answer, err)
		}
	}
	s := mistraltest.NewServer(mistraltest.Sequence(mistraltest.Respond(mistraltest.Text(`{"city":"Paris","population":2102650}`))))
	defer s.Close()
	if _, err := newRunner(t, s, run.WithModel("m"), run.WithOutputSchema("city", schema)).Run(context.Background(), mistral.TextInputs("x")); err != nil {
		t.Fatalf("a valid answer: %v", err)
	}
	if _, err := run.New(newClient(t, s), run.WithModel("m"), run.WithOutputSchema("bad", json.RawMessage(`{"$ref":"#/$defs/missing"}`))); err == nil {
		t.Fatal("an invalid schema was accepted")
	}
}
