//lint:file-ignore SA1019 sampling, deprecated in protocol 2026-07-28, is still what servers send: this server tries it.

// Command e2emcp is the stdio MCP server of the end-to-end test: "quick"
// answers at once, "slow" waits while the file HOLD exists. Both write
// "start NAME PID" and "end NAME PID" lines to LOG. "sample" asks the
// client's model (sampling), "ask" asks its user (elicitation); each
// answers with what it got, or the client's error.
//
//	e2emcp LOG HOLD
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: e2emcp LOG HOLD")
	}
	logPath, hold := os.Args[1], os.Args[2]
	note := func(what, name string) {
		f, err := os.OpenFile(logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Fprintf(f, "%s %s %d\n", what, name, os.Getpid())
		f.Close()
	}
	s := mcp.NewServer(&mcp.Implementation{Name: "e2e", Version: "1.0.0"}, nil)
	type in struct{}
	mcp.AddTool(s, &mcp.Tool{Name: "quick", Description: "Answers at once."}, func(ctx context.Context, req *mcp.CallToolRequest, _ in) (*mcp.CallToolResult, any, error) {
		note("start", "quick")
		defer note("end", "quick")
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "quick done"}}}, nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "slow", Description: "Waits while HOLD exists."}, func(ctx context.Context, req *mcp.CallToolRequest, _ in) (*mcp.CallToolResult, any, error) {
		note("start", "slow")
		for {
			if _, err := os.Stat(hold); err != nil {
				break
			}
			select {
			case <-ctx.Done():
				return nil, nil, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
		note("end", "slow")
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "slow done"}}}, nil, nil
	})
	text := func(t string) *mcp.CallToolResult {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: t}}}
	}
	// Both ask as protocol 2026-07-28 wants (input requests the client
	// answers, then calls again with the responses).
	mcp.AddTool(s, &mcp.Tool{Name: "sample", Description: "Asks the client's model."}, func(ctx context.Context, req *mcp.CallToolRequest, _ in) (*mcp.CallToolResult, any, error) {
		resp, ok := req.Params.InputResponses["s"]
		if !ok {
			return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{"s": &mcp.CreateMessageParams{
				MaxTokens: 50, Messages: []*mcp.SamplingMessage{{Role: "user", Content: &mcp.TextContent{Text: "say hi"}}},
			}}}, nil, nil
		}
		switch r := resp.(type) {
		case *mcp.CreateMessageResult:
			if t, ok := r.Content.(*mcp.TextContent); ok {
				return text("sampled: " + t.Text), nil, nil
			}
		case *mcp.CreateMessageWithToolsResult:
			if len(r.Content) == 1 {
				if t, ok := r.Content[0].(*mcp.TextContent); ok {
					return text("sampled: " + t.Text), nil, nil
				}
			}
		}
		return text(fmt.Sprintf("sampled something else: %T", resp)), nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "ask", Description: "Asks the client's user."}, func(ctx context.Context, req *mcp.CallToolRequest, _ in) (*mcp.CallToolResult, any, error) {
		resp, ok := req.Params.InputResponses["e"]
		if !ok {
			return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{"e": &mcp.ElicitParams{
				Message: "Your name?", RequestedSchema: &jsonschema.Schema{Type: "object", Properties: map[string]*jsonschema.Schema{"name": {Type: "string"}}},
			}}}, nil, nil
		}
		if r, ok := resp.(*mcp.ElicitResult); ok {
			return text("elicitation: " + r.Action), nil, nil
		}
		return text(fmt.Sprintf("elicitation answered with %T", resp)), nil, nil
	})
	if err := s.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		log.Print(err)
	}
}
