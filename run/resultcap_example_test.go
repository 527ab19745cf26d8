package run_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// A tool result longer than the cap reaches the model cut, with a note
// saying how much was left out (DefaultMaxResultBytes, 64 KiB, unless
// WithMaxResultBytes says otherwise; run.MaxResultBytes per MCP server).
func ExampleWithMaxResultBytes() {
	readLog := run.MustFunc("read_log", "The service's log.", func(ctx context.Context, in struct{}) (string, error) {
		return strings.Repeat("all quiet. ", 100), nil // 1100 bytes
	})
	client, srv := exampleAPI(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("read_log"); ok {
			return mistraltest.Respond(mistraltest.Text("I read: " + res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("read_log", map[string]any{})), nil
	})
	defer srv.Close()
	r, err := run.New(client, run.WithModel("mistral-medium-latest"), run.WithFunctions(readLog), run.WithMaxResultBytes(120))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	res, err := r.Run(context.Background(), mistral.TextInputs("Anything in the log?"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Text())
	// Output:
	// I read: all quiet. all quiet. all quiet. all quiet. all quiet. all quiet. all quiet. all quiet. all quiet. all quiet. all quiet.
	// [... result truncated: 980 of 1100 bytes omitted; results are capped at 120 bytes]
}
