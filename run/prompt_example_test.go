package run_test

import (
	"context"
	"fmt"
	"log"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/run"
)

// An MCP server's prompt as a run's instructions.
func ExamplePromptInstructions() {
	server := mcp.NewServer(&mcp.Implementation{Name: "prompts", Version: "1.0.0"}, nil)
	server.AddPrompt(&mcp.Prompt{Name: "assistant"}, func(ctx context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{
			{Role: "user", Content: &mcp.TextContent{Text: "You are terse."}},
		}}, nil
	})
	c, err := mcpclient.NewInMemory(server)
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	text, err := run.PromptInstructions(context.Background(), c, "assistant", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(text)
	// Then: run.New(client, run.WithModel(m), run.WithInstructions(text))
	// Output:
	// You are terse.
}
