//lint:file-ignore SA1019 sampling, deprecated in protocol 2026-07-28, is still what servers send.
package run_test

import (
	"context"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/internal/testpeers"
	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// A server tool that asks the client's model (sampling) gets the run's
// model's answer; an MCP prompt serves as instructions.
func TestSamplingAndPromptInstructions(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if t.Instructions == "Summarise in one word." && t.TurnInConversation == 0 && len(t.Tools) == 0 {
			return mistraltest.Respond(mistraltest.Text("sampled: " + t.LastUserMessage())), nil
		}
		if res, ok := t.ResultOf("summarise"); ok {
			return mistraltest.Respond(mistraltest.Text(res + " / instructions: " + t.Instructions)), nil
		}
		return mistraltest.Respond(mistraltest.Call("summarise", map[string]string{"text": "a long story"})), nil
	})
	defer s.Close()
	c := newClient(t, s)

	srv := testpeers.SamplingServer("Summarise in one word.")
	srv.AddPrompt(&mcp.Prompt{Name: "persona"}, func(ctx context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: "You are terse."}}}}, nil
	})
	mc := mustMCP(mcpclient.NewInMemory(srv, mcpclient.WithSamplingHandler(run.SamplingHandler(c, "mistral-small-latest"))))
	instr, err := run.PromptInstructions(context.Background(), mc, "persona", nil)
	if err != nil {
		t.Fatal(err)
	}
	r := newRunner(t, s, run.WithModel("m"), run.WithInstructions(instr), run.WithMCP(mc))
	res, err := r.Run(context.Background(), mistral.TextInputs("summarise the story"))
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Text(); got != "sampled: a long story / instructions: You are terse." {
		t.Fatalf("%q", got)
	}
}
