package run_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// A run with structured output checks the answer against its schema: an
// answer that does not match comes back with its Result and an
// *OutputError naming the first violation, so the text is not lost.
func ExampleWithOutputSchema() {
	schema := json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"},"temperature":{"type":"number"}},"required":["city","temperature"]}`)
	client, srv := exampleAPI(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		return mistraltest.Respond(mistraltest.Text(`{"city":"Paris","temperature":"mild"}`)), nil
	})
	defer srv.Close()
	r, err := run.New(client, run.WithModel("mistral-medium-latest"), run.WithOutputSchema("weather", schema))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	res, err := r.Run(context.Background(), mistral.TextInputs("Weather in Paris, as JSON."))
	var oe *run.OutputError
	var sv *run.SchemaViolation
	fmt.Println(err)
	fmt.Println(errors.As(err, &oe), errors.As(err, &sv))
	fmt.Println(res.Text())
	// Output:
	// run: the answer is not the structured output asked for: it does not match the output schema: validating root: validating /properties/temperature: type: mild has type "string", want "number" (answer: "{\"city\":\"Paris\",\"temperature\":\"mild\"}")
	// true true
	// {"city":"Paris","temperature":"mild"}
}
