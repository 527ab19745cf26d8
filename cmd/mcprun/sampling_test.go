//lint:file-ignore SA1019 sampling, deprecated in protocol 2026-07-28, is still what servers send.
package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mistraltest"
)

// A remote server's sampling request, made during a tool call, is answered
// by the run's model through the CLI.
func TestRunAnswersSampling(t *testing.T) {
	srv := mcp.NewServer(&mcp.Implementation{Name: "sampler", Version: "1"}, nil)
	mcp.AddTool(srv, &mcp.Tool{Name: "summarise"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct {
		Text string `json:"text"`
	}) (*mcp.CallToolResult, any, error) {
		resp, ok := req.Params.InputResponses["s"]
		if !ok {
			return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{"s": &mcp.CreateMessageParams{
				MaxTokens: 10, Messages: []*mcp.SamplingMessage{{Role: "user", Content: &mcp.TextContent{Text: in.Text}}},
			}}}, nil, nil
		}
		switch r := resp.(type) {
		case *mcp.CreateMessageResult:
			return &mcp.CallToolResult{Content: []mcp.Content{r.Content}}, nil, nil
		case *mcp.CreateMessageWithToolsResult:
			return &mcp.CallToolResult{Content: r.Content}, nil, nil
		}
		return nil, nil, fmt.Errorf("unexpected %T", resp)
	})
	hs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	defer hs.Close()

	api := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if len(t.Tools) == 0 { // the sampling request
			return mistraltest.Respond(mistraltest.Text("sampled(" + t.LastUserMessage() + ")")), nil
		}
		if res, ok := t.ResultOf("summarise"); ok {
			return mistraltest.Respond(mistraltest.Text(res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("summarise", map[string]string{"text": "a long story"})), nil
	})
	defer api.Close()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	env := apiEnv(api)
	env["MCPRUN_TOKEN_STORE"] = "file"
	code, stdout, stderr := cli(t, env, "run", "--http", hs.URL, "summarise it")
	if code != 0 || strings.TrimSpace(stdout) != "sampled(a long story)" {
		t.Fatalf("exit %d %q %q", code, stdout, stderr)
	}
}
