// Package testtools holds tools that mcpclient's test servers share: the
// stdio test server (../testserver) and the servers tests run in process.
package testtools

import (
	"context"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// AddConfirm adds "confirm", which asks the user the 2026-07-28 way (an
// input-required result, then the call again with the answer; the go-sdk
// turns it into an elicitation/create request for a client on an older
// protocol) and answers with the action and the "yes" given.
func AddConfirm(s *mcp.Server, description string) {
	mcp.AddTool(s, &mcp.Tool{Name: "confirm", Description: description}, func(_ context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
		resp, ok := req.Params.InputResponses["ok"]
		if !ok {
			return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{"ok": &mcp.ElicitParams{
				Message:         "proceed?",
				RequestedSchema: map[string]any{"type": "object", "properties": map[string]any{"yes": map[string]any{"type": "boolean"}}},
			}}}, nil, nil
		}
		er, ok := resp.(*mcp.ElicitResult)
		if !ok {
			return nil, nil, fmt.Errorf("unexpected answer %T", resp)
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprint(er.Action, " ", er.Content["yes"])}}}, nil, nil
	})
}
