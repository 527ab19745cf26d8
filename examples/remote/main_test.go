package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

type ScanIn struct {
	Filename string `json:"filename"`
	Code     string `json:"code"`
}

// scanServer is a stand-in for a remote code scanner: an MCP server with
// one tool.
func scanServer() *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "scanner", Version: "1.0.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "security_check", Description: "Scans code for vulnerabilities."},
		func(ctx context.Context, req *mcp.CallToolRequest, in ScanIn) (*mcp.CallToolResult, any, error) {
			text := "no findings in " + in.Filename
			if strings.Contains(in.Code, "eval(") {
				text = "1 finding in " + in.Filename + ": eval of untrusted input"
			}
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}, nil, nil
		})
	return s
}

// scanModel writes a file, has it checked, and reports.
func scanModel(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
	if res, ok := t.ResultOf("security_check"); ok {
		return mistraltest.Respond(mistraltest.Text("Here is hello_world.py:\nprint(\"Hello, world!\")\nScan: " + res + ".")), nil
	}
	return mistraltest.Respond(mistraltest.Call("security_check", ScanIn{Filename: "hello_world.py", Code: `print("Hello, world!")`})), nil
}

func TestRemote(t *testing.T) {
	getServer := func(*http.Request) *mcp.Server { return scanServer() }
	for name, handler := range map[string]http.Handler{
		"streamable": mcp.NewStreamableHTTPHandler(getServer, nil),
		"sse":        mcp.NewSSEHandler(getServer, nil), // NewHTTP falls back to legacy SSE
	} {
		t.Run(name, func(t *testing.T) {
			mcpSrv := httptest.NewServer(handler)
			defer mcpSrv.Close()
			s := mistraltest.NewServer(scanModel)
			defer s.Close()
			client, err := mistral.NewClient(mistral.WithServerURL(s.URL), mistral.WithAPIKey("test-key"))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()

			var out bytes.Buffer
			if err := example(ctx, client, &out, mcpSrv.URL, "Can you write a hello_world.py and check it for security vulnerabilities?"); err != nil {
				t.Fatal(err)
			}
			want := "Here is hello_world.py:\nprint(\"Hello, world!\")\nScan: no findings in hello_world.py.\n"
			if out.String() != want {
				t.Errorf("output %q, want %q", out.String(), want)
			}
		})
	}
}
