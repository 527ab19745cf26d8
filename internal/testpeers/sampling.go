//lint:file-ignore SA1019 sampling, deprecated in protocol 2026-07-28, is still what servers send.
package testpeers

import (
	"context"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// SamplingServer returns a go-sdk MCP server whose tool "summarise" asks
// the client's model for a completion of its "text" argument (under
// systemPrompt) the 2026-07-28 way — an input request the client answers
// before calling again — and returns the model's answer.
func SamplingServer(systemPrompt string) *mcp.Server {
	srv := mcp.NewServer(&mcp.Implementation{Name: "sampler", Version: "1"}, nil)
	mcp.AddTool(srv, &mcp.Tool{Name: "summarise"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct {
		Text string `json:"text"`
	}) (*mcp.CallToolResult, any, error) {
		resp, ok := req.Params.InputResponses["s"]
		if !ok {
			return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{"s": &mcp.CreateMessageParams{
				SystemPrompt: systemPrompt, MaxTokens: 10,
				Messages: []*mcp.SamplingMessage{{Role: "user", Content: &mcp.TextContent{Text: in.Text}}},
			}}}, nil, nil
		}
		switch r := resp.(type) {
		case *mcp.CreateMessageResult:
			return &mcp.CallToolResult{Content: []mcp.Content{r.Content}}, nil, nil
		case *mcp.CreateMessageWithToolsResult:
			return &mcp.CallToolResult{Content: r.Content}, nil, nil
		}
		return nil, nil, fmt.Errorf("unexpected sampling response %T", resp)
	})
	return srv
}
