package run_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"strings"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// A typed Go function: its argument schema is inferred from the input
// struct, and the model's arguments are validated against it before the
// function runs.
func ExampleNewFunc() {
	type In struct {
		City  string `json:"city" jsonschema:"a city name"`
		Units string `json:"units,omitempty" jsonschema:"celsius or fahrenheit"`
	}
	getWeather, err := run.NewFunc("get_weather", "The weather in a city.",
		func(ctx context.Context, in In) (map[string]any, error) {
			return map[string]any{"city": in.City, "temperature": 21}, nil
		})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(getWeather.Name())
	fmt.Println(string(getWeather.Schema()))

	client, srv := exampleAPI(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("get_weather"); ok {
			return mistraltest.Respond(mistraltest.Text("The tool said " + res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
	})
	defer srv.Close()
	r, err := run.New(client, run.WithModel("mistral-medium-latest"), run.WithFunctions(getWeather))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	res, err := r.Run(context.Background(), mistral.TextInputs("Weather in Paris?"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Text())
	// Output:
	// get_weather
	// {"type":"object","properties":{"city":{"type":"string","description":"a city name"},"units":{"type":"string","description":"celsius or fahrenheit"}},"required":["city"],"additionalProperties":false}
	// The tool said {"city":"Paris","temperature":21}
}

// A function given by its JSON Schema, taking the model's arguments as JSON.
func ExampleNewRawFunc() {
	shout, err := run.NewRawFunc("shout", "Upper-cases a text.",
		json.RawMessage(`{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}`),
		func(ctx context.Context, args json.RawMessage) (string, error) {
			var in struct{ Text string }
			if err := json.Unmarshal(args, &in); err != nil {
				return "", err
			}
			return strings.ToUpper(in.Text), nil
		})
	if err != nil {
		log.Fatal(err)
	}
	client, srv := exampleAPI(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("shout"); ok {
			return mistraltest.Respond(mistraltest.Text(res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("shout", map[string]string{"text": "hello"})), nil
	})
	defer srv.Close()
	r, err := run.New(client, run.WithModel("mistral-medium-latest"), run.WithFunctions(shout))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	res, err := r.Run(context.Background(), mistral.TextInputs("Shout hello."))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Text())
	// Output:
	// HELLO
}
