package run_test

import (
	"context"
	"fmt"
	"log"
	"strconv"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// An MCP server's tools, offered to the model: here an in-process go-sdk
// server (mcpclient.NewStdio or NewHTTP reach real ones), its tools
// prefixed, one of them hidden, and at most two calls to it at once.
func ExampleWithMCP() {
	server := mcp.NewServer(&mcp.Implementation{Name: "calc", Version: "1.0.0"}, nil)
	type Args struct {
		A int `json:"a"`
		B int `json:"b"`
	}
	mcp.AddTool(server, &mcp.Tool{Name: "add", Description: "a + b"}, func(ctx context.Context, req *mcp.CallToolRequest, in Args) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: strconv.Itoa(in.A + in.B)}}}, nil, nil
	})
	mcp.AddTool(server, &mcp.Tool{Name: "sub", Description: "a - b"}, func(ctx context.Context, req *mcp.CallToolRequest, in Args) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: strconv.Itoa(in.A - in.B)}}}, nil, nil
	})
	calc, err := mcpclient.NewInMemory(server, mcpclient.WithName("calc"))
	if err != nil {
		log.Fatal(err)
	}

	client, srv := exampleAPI(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("calc_add"); ok {
			return mistraltest.Respond(mistraltest.Text("2 + 3 = " + res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("calc_add", map[string]int{"a": 2, "b": 3})), nil
	})
	defer srv.Close()
	r, err := run.New(client, run.WithModel("mistral-medium-latest"),
		run.WithMCP(calc, run.Prefix("calc_"), run.Deny("sub"), run.MaxConcurrent(2)))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close() // closes calc too

	ctx := context.Background()
	tools, err := r.Tools(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range tools {
		fmt.Println("tool:", t.Function.Name)
	}
	res, err := r.Run(ctx, mistral.TextInputs("What is 2 + 3?"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Text())
	// Output:
	// tool: calc_add
	// 2 + 3 = 5
}
