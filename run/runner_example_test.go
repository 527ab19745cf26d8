package run_test

import (
	"context"
	"fmt"
	"log"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// The reference SDK's weather example: a local function, structured output,
// and a model that calls the function before answering. mistraltest plays
// the model here; against the real API, build the client with
// mistral.NewClient(mistral.FromEnv()) and MISTRAL_API_KEY set.
func ExampleRunner_Run() {
	srv := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if _, ok := t.ResultOf("get_location"); !ok {
			return mistraltest.Respond(mistraltest.Call("get_location", map[string]string{"name": "John"})), nil
		}
		return mistraltest.Respond(mistraltest.JSON(map[string]any{"user": "John", "location": "Paris", "temperature": 21})), nil
	})
	defer srv.Close()
	client, _ := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))

	type WeatherResult struct {
		User        string  `json:"user"`
		Location    string  `json:"location"`
		Temperature float64 `json:"temperature"`
	}
	getLocation, err := run.NewFunc("get_location", "Where a user is.",
		func(ctx context.Context, in struct {
			Name string `json:"name" jsonschema:"the user's name"`
		}) (string, error) {
			return "Paris", nil
		})
	if err != nil {
		log.Fatal(err)
	}
	r, err := run.New(client,
		run.WithModel("mistral-medium-latest"),
		run.WithFunctions(getLocation),
		run.WithOutput[WeatherResult](),
		run.WithContinueOnError(true),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()

	res, err := r.Run(context.Background(), mistral.TextInputs("Tell me the weather in John's location currently."))
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range res.OutputEntries {
		fmt.Println(e.EntryType())
	}
	w, err := run.OutputAs[WeatherResult](res)
	fmt.Printf("%+v %v\n", w, err)
	// Output:
	// function.call
	// function.result
	// message.output
	// {User:John Location:Paris Temperature:21} <nil>
}

// Streaming: text deltas as they come, local results, and the result last.
func ExampleRunner_Stream() {
	srv := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("get_weather"); ok {
			return mistraltest.Respond(mistraltest.Text("It is " + res + ".")), nil
		}
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
	})
	defer srv.Close()
	client, _ := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))
	getWeather := run.MustFunc("get_weather", "The weather in a city.", func(ctx context.Context, in struct {
		City string `json:"city"`
	}) (string, error) {
		return "sunny in " + in.City, nil
	})
	r, _ := run.New(client, run.WithModel("mistral-medium-latest"), run.WithFunctions(getWeather))
	defer r.Close()

	for ev, err := range r.Stream(context.Background(), mistral.TextInputs("Weather in Paris?")) {
		if err != nil {
			log.Fatal(err)
		}
		switch ev := ev.(type) {
		case *mistral.MessageOutputDeltaEvent:
			fmt.Print(ev.Content.Text)
		case *run.FunctionResultEvent:
			fmt.Printf("[%s -> %s]\n", ev.Name, ev.Result)
		case *run.ResultEvent:
			fmt.Printf("\n%d entries\n", len(ev.Result.OutputEntries))
		}
	}
	// Output:
	// [get_weather -> sunny in Paris]
	// It is sunny in Paris.
	// 3 entries
}
