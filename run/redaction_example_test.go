package run_test

import (
	"context"
	"fmt"
	"log"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// Secrets in use (an API key, a token given to a server) never reach the
// model: here a tool's error quotes the token it was given, and the model
// reads it redacted. Spans and logs get the same treatment.
func ExampleWithRedaction() {
	const token = "tok_4f8a1c9e2b7d"
	deploy := run.MustFunc("deploy", "Deploys the service.", func(ctx context.Context, in struct{}) (string, error) {
		return "", fmt.Errorf("registry refused token %s: expired", token)
	})
	client, srv := exampleAPI(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("deploy"); ok {
			return mistraltest.Respond(mistraltest.Text("The tool said: " + res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("deploy", map[string]any{})), nil
	})
	defer srv.Close()
	r, err := run.New(client, run.WithModel("mistral-medium-latest"), run.WithFunctions(deploy),
		run.WithContinueOnError(true), run.WithRedaction(token))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	res, err := r.Run(context.Background(), mistral.TextInputs("Deploy it."))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Text())
	// Output:
	// The tool said: Error while executing deploy: registry refused token [REDACTED]: expired
}
