package run_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

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
	res, err := r.Run(context.Background(), "weather?")
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
	if raw, err := res.OutputJSON(); err != nil || !json.Valid(raw) {
		t.Fatal(raw, err)
	}
}

func TestStructuredOutputMismatch(t *testing.T) {
	for _, answer := range []string{"It is sunny.", `{"user":"John","mood":"happy"}`, `{"user":1}`} {
		s := mistraltest.NewServer(mistraltest.Sequence(mistraltest.Respond(mistraltest.Text(answer))))
		res, err := newRunner(t, s, run.WithModel("m"), run.WithOutput[WeatherResult]()).Run(context.Background(), "x")
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		_, err = run.OutputAs[WeatherResult](res)
		var oe *run.OutputError
		if !errors.As(err, &oe) || oe.Text != answer {
			t.Fatalf("%q: err %v", answer, err)
		}
	}
}

func TestOutputTolerateFence(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Sequence(mistraltest.Respond(mistraltest.Text("```json\n{\"user\":\"a\",\"location\":\"b\",\"temperature\":1}\n```"))))
	defer s.Close()
	res, err := newRunner(t, s, run.WithModel("m")).Run(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	if w, err := run.OutputAs[WeatherResult](res); err != nil || w.Location != "b" {
		t.Fatal(w, err)
	}
}

func TestOutputTextMarkers(t *testing.T) {
	s := mistraltest.NewServer(nil)
	defer s.Close()
	id := s.AddFile("plot.png", "image/png", []byte("PNG..."))
	s2 := mistraltest.NewServer(mistraltest.Sequence(mistraltest.Respond(mistraltest.Chunks(
		json.RawMessage(`{"type":"text","text":"Here: "}`),
		json.RawMessage(`{"type":"tool_file","tool":"code_interpreter","file_id":"`+id+`","file_name":"plot.png","file_type":"png"}`),
		json.RawMessage(`{"type":"tool_reference","tool":"web_search","title":"Go","url":"https://go.dev"}`),
	))))
	defer s2.Close()
	res, err := newRunner(t, s2, run.WithModel("m")).Run(context.Background(), "x")
	if err != nil {
		t.Fatal(err)
	}
	want := "Here: <File id=" + id + " name=plot.png><Reference title=Go url=https://go.dev>"
	if got := res.OutputText(); got != want {
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
	res, err := newRunner(t, s, run.WithModel("m"), run.WithDownloadFiles(true)).Run(context.Background(), "draw a cat")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 1 || string(res.Files[0].Data) != "\x89PNG cat" {
		t.Fatalf("files %+v", res.Files)
	}
}
