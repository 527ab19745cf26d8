package run_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// askServer has a tool that asks the user for a name (elicitation, as a
// 2026-07-28 server asks: an input request in the call's result).
func askServer() *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "asker", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "greet", Description: "Greets the user by name."}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		if len(req.Params.InputResponses) == 0 {
			return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{"who": &mcp.ElicitParams{
				Message:         "What is your name?",
				RequestedSchema: &jsonschema.Schema{Type: "object", Properties: map[string]*jsonschema.Schema{"name": {Type: "string"}}, Required: []string{"name"}},
			}}}, nil, nil
		}
		res := req.Params.InputResponses["who"].(*mcp.ElicitResult)
		if res.Action != "accept" {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "no name: " + res.Action}}}, nil, nil
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "Hello, " + res.Content["name"].(string)}}}, nil, nil
	})
	return s
}

func TestElicitationThroughStream(t *testing.T) {
	s := mistraltest.NewServer(callsThen(mistraltest.Call("greet", nil)))
	defer s.Close()
	var asked []string
	e, err := run.NewElicitor(func(ctx context.Context, req *run.ElicitationRequest) (*mcp.ElicitResult, error) {
		asked = append(asked, req.Server+": "+req.Params.Message)
		return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"name": "Ada"}}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	c := mustMCP(mcpclient.NewInMemory(askServer(), mcpclient.WithName("asker"), mcpclient.WithElicitationHandler(e.Handler("asker"))))
	r := newRunner(t, s, run.WithModel("m"), run.WithMCP(c), run.WithElicitor(e))
	var events []*run.ElicitationEvent
	var res *run.Result
	for ev, err := range r.Stream(context.Background(), mistral.TextInputs("greet me")) {
		if err != nil {
			t.Fatal(err)
		}
		switch ev := ev.(type) {
		case *run.ElicitationEvent:
			events = append(events, ev)
		case *run.ResultEvent:
			res = ev.Result
		}
	}
	if len(asked) != 1 || asked[0] != "asker: What is your name?" {
		t.Errorf("asked %q", asked)
	}
	if len(events) != 1 || events[0].Request.Params.Message != "What is your name?" || events[0].Request.Server != "asker" {
		t.Errorf("events %+v", events)
	}
	if res == nil || !strings.Contains(res.Text(), "Hello, Ada") {
		t.Fatalf("result %+v", res)
	}
}

// A server speaking 2025-11-25 asks with an elicitation/create request of
// its own during the call: it reaches the one stream running tools.
func TestElicitationLegacyRequestThroughStream(t *testing.T) {
	srv := mcp.NewServer(&mcp.Implementation{Name: "asker", Version: "1"}, &mcp.ServerOptions{SupportedProtocolVersions: []string{"2025-11-25"}})
	mcp.AddTool(srv, &mcp.Tool{Name: "greet", Description: "Greets the user by name."}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		res, err := req.Session.Elicit(ctx, &mcp.ElicitParams{
			Message:         "What is your name?",
			RequestedSchema: &jsonschema.Schema{Type: "object", Properties: map[string]*jsonschema.Schema{"name": {Type: "string"}}},
		})
		if err != nil {
			return nil, nil, err
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "Hello, " + res.Content["name"].(string)}}}, nil, nil
	})
	s := mistraltest.NewServer(callsThen(mistraltest.Call("greet", nil)))
	defer s.Close()
	e, _ := run.NewElicitor(func(ctx context.Context, req *run.ElicitationRequest) (*mcp.ElicitResult, error) {
		return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"name": "Grace"}}, nil
	})
	c := mustMCP(mcpclient.NewInMemory(srv, mcpclient.WithName("asker"), mcpclient.WithElicitationHandler(e.Handler("asker"))))
	r := newRunner(t, s, run.WithModel("m"), run.WithMCP(c), run.WithElicitor(e))
	events := 0
	var res *run.Result
	for ev, err := range r.Stream(context.Background(), mistral.TextInputs("greet me")) {
		if err != nil {
			t.Fatal(err)
		}
		switch ev := ev.(type) {
		case *run.ElicitationEvent:
			events++
		case *run.ResultEvent:
			res = ev.Result
		}
	}
	if c.ServerInfo().ProtocolVersion != "2025-11-25" {
		t.Errorf("protocol %q", c.ServerInfo().ProtocolVersion)
	}
	if events != 1 || res == nil || !strings.Contains(res.Text(), "Hello, Grace") {
		t.Fatalf("%d events, %+v", events, res)
	}
}
