package run_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// The answer is the run's last message; earlier ones stay in the entries.
func ExampleResult_Text() {
	client, srv := exampleAPI(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("get_time"); ok {
			return mistraltest.Respond(mistraltest.Text("It is " + res + ".")), nil
		}
		return mistraltest.Respond(mistraltest.Text("Let me look."), mistraltest.Call("get_time", map[string]string{})), nil
	})
	defer srv.Close()
	getTime := run.MustFunc("get_time", "The time.", func(ctx context.Context, in struct{}) (string, error) {
		return "noon", nil
	})
	r, err := run.New(client, run.WithModel("mistral-medium-latest"), run.WithFunctions(getTime))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	res, err := r.Run(context.Background(), mistral.TextInputs("What time is it?"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Text())
	fmt.Println(len(res.OutputEntries), "entries")
	// Output:
	// It is noon.
	// 4 entries
}

// Structured output: WithOutput declares the type, OutputAs decodes the
// answer (the text Result.Text returns) into it. An answer that does not fit
// the schema fails the run with an *OutputError holding the text (and the
// Result is still there).
func ExampleOutputAs() {
	type City struct {
		Name       string `json:"name"`
		Population int    `json:"population"`
	}
	answers := []string{`{"name":"Paris","population":2102650}`, `{"name":"Paris"} and more`}
	client, srv := exampleAPI(mistraltest.Sequence(
		mistraltest.Respond(mistraltest.Text(answers[0])),
		mistraltest.Respond(mistraltest.Text(answers[1])),
	))
	defer srv.Close()
	r, err := run.New(client, run.WithModel("mistral-medium-latest"), run.WithOutput[City]())
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	for range answers {
		res, err := r.Run(context.Background(), mistral.TextInputs("The largest city of France?"))
		var oe *run.OutputError
		if errors.As(err, &oe) {
			fmt.Printf("not a City: %q\n", oe.Text)
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		city, err := run.OutputAs[City](res)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%+v\n", city)
	}
	// Output:
	// {Name:Paris Population:2102650}
	// not a City: "{\"name\":\"Paris\"} and more"
}
