//lint:file-ignore SA1019 sampling, deprecated in protocol 2026-07-28, is still what servers send.
package run_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// An MCP server may ask the client's model for a completion (sampling):
// the user's spend, so the handler bounds it. Give each server its own
// handler with mcpclient.WithSamplingHandler; here it is called directly,
// as the server's requests would call it.
func ExampleNewSamplingHandler() {
	client, srv := exampleAPI(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		return mistraltest.Respond(mistraltest.Text("A haiku about Go.")), nil
	})
	defer srv.Close()
	sample, err := run.NewSamplingHandler(client, "mistral-medium-latest",
		run.SamplingBudget(2, 20_000), // two requests, 20k tokens in all
		run.SamplingMaxTokens(1_000))  // each capped at 1,000 tokens
	if err != nil {
		log.Fatal(err)
	}
	_ = mcpclient.WithSamplingHandler(sample) // how a client gets it

	req := &mcp.CreateMessageRequest{Params: &mcp.CreateMessageParams{
		MaxTokens: 50_000, // lowered to 1,000
		Messages:  []*mcp.SamplingMessage{{Role: "user", Content: &mcp.TextContent{Text: "Write a haiku about Go."}}},
	}}
	for range 3 {
		res, err := sample(context.Background(), req)
		if errors.Is(err, run.ErrSamplingRefused) {
			fmt.Println("refused: over budget")
			continue
		}
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Content.(*mcp.TextContent).Text)
	}
	// Output:
	// A haiku about Go.
	// A haiku about Go.
	// refused: over budget
}
