package mcpclient_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type greetIn struct {
	Name string `json:"name" jsonschema:"who to greet"`
}

// A go-sdk server in the same process, reached through NewInMemory; the
// same calls work on NewStdio, NewSSE, NewStreamableHTTP and NewHTTP.
func Example() {
	server := mcp.NewServer(&mcp.Implementation{Name: "greeter", Version: "1.0.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "greet.person", Description: "says hello"},
		func(_ context.Context, _ *mcp.CallToolRequest, in greetIn) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "Hello, " + in.Name + "!"}}}, nil, nil
		})

	ctx := context.Background()
	c := mcpclient.NewInMemory(server, mcpclient.WithName("greeter"))
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		log.Fatal(err)
	}
	tools, err := c.Tools(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range tools {
		// The name is fit for Mistral function calling; the original is
		// what the server is called with.
		fmt.Printf("%s (%s): %s\n", t.Name, t.OriginalName, t.InputSchema)
	}
	res, err := c.CallTool(ctx, tools[0].Name, json.RawMessage(`{"name":"Ada"}`))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Text, res.IsError)
	// Output:
	// greet_person (greet.person): {"additionalProperties":false,"properties":{"name":{"description":"who to greet","type":"string"}},"required":["name"],"type":"object"}
	// Hello, Ada! false
}

// RenderResult turns a tool result into what a model reads.
func ExampleRenderResult() {
	text, isErr := mcpclient.RenderResult(&mcp.CallToolResult{
		Content: []mcp.Content{
			&mcp.TextContent{Text: "Here is the chart:"},
			&mcp.ImageContent{MIMEType: "image/png", Data: make([]byte, 1234)},
		},
		StructuredContent: map[string]any{"points": 3},
	})
	fmt.Println(text)
	fmt.Println(isErr)
	// Output:
	// Here is the chart:
	// [image: image/png, 1234 bytes]
	// {"points":3}
	// false
}

// A stdio server started with npx, with a secret in its environment; its
// stderr is kept for errors.
func ExampleNewStdio() {
	c := mcpclient.NewStdio(mcpclient.StdioParams{
		Command: "npx",
		Args:    []string{"-y", "@modelcontextprotocol/server-everything", "stdio"},
		Env:     map[string]string{"API_KEY": "secret"},
	}, mcpclient.WithName("everything"), mcpclient.WithCallTimeout(2*time.Minute))
	defer c.Close()
	if err := c.Connect(context.Background()); err != nil {
		log.Fatal(err) // names the server and shows its stderr tail
	}
}

// A remote server that may speak Streamable HTTP or legacy SSE, with an API
// key header, connected together with others.
func ExampleNewHTTP() {
	remote := mcpclient.NewHTTP("https://mcp.example.com/mcp", mcpclient.WithName("remote"))
	keyed := mcpclient.NewStreamableHTTP(mcpclient.HTTPParams{
		URL:     "https://api.example.com/mcp",
		Headers: map[string]string{"X-Api-Key": "secret"},
	})
	defer remote.Close()
	defer keyed.Close()
	if err := mcpclient.ConnectAll(context.Background(), remote, keyed); err != nil {
		log.Print(err) // one line per server that failed
	}
}
