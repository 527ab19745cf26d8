package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/internal/testpeers"
	"github.com/mcprun/mcprun/mistraltest"
)

// A remote server's sampling request, made during a tool call, is answered
// by the run's model through the CLI.
func TestRunAnswersSampling(t *testing.T) {
	srv := testpeers.SamplingServer("")
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
