package run_test

import (
	"context"
	"fmt"
	"log"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// A tool that asks the user for input while it runs (MCP elicitation): the
// Elicitor's function answers (a terminal prompt, a UI), and the run's
// stream reports the question first.
func ExampleNewElicitor() {
	// A 2026-07-28 server asks in the call's result (an input request) and
	// is called again with the answer; an older one sends an
	// elicitation/create request during the call. The Elicitor serves both.
	server := mcp.NewServer(&mcp.Implementation{Name: "greeter", Version: "1.0.0"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "greet", Description: "Greets the user by name."},
		func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
			answer, ok := req.Params.InputResponses["who"].(*mcp.ElicitResult)
			if !ok {
				return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{"who": &mcp.ElicitParams{
					Message:         "What is your name?",
					RequestedSchema: &jsonschema.Schema{Type: "object", Properties: map[string]*jsonschema.Schema{"name": {Type: "string"}}},
				}}}, nil, nil
			}
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprint("Hello, ", answer.Content["name"])}}}, nil, nil
		})

	elicitor, err := run.NewElicitor(func(ctx context.Context, req *run.ElicitationRequest) (*mcp.ElicitResult, error) {
		return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"name": "Ada"}}, nil
	})
	if err != nil {
		log.Fatal(err)
	}
	greeter, err := mcpclient.NewInMemory(server, mcpclient.WithName("greeter"),
		mcpclient.WithElicitationHandler(elicitor.Handler("greeter")))
	if err != nil {
		log.Fatal(err)
	}

	client, srv := exampleAPI(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("greet"); ok {
			return mistraltest.Respond(mistraltest.Text(res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("greet", map[string]any{})), nil
	})
	defer srv.Close()
	r, err := run.New(client, run.WithModel("mistral-medium-latest"), run.WithMCP(greeter), run.WithElicitor(elicitor))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()

	for ev, err := range r.Stream(context.Background(), mistral.TextInputs("Greet me.")) {
		if err != nil {
			log.Fatal(err)
		}
		switch ev := ev.(type) {
		case *run.ElicitationEvent:
			fmt.Printf("%s asks: %s\n", ev.Request.Server, ev.Request.Params.Message)
		case *run.ResultEvent:
			fmt.Println(ev.Result.Text())
		}
	}
	// Output:
	// greeter asks: What is your name?
	// Hello, Ada
}
