package main

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
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
	// A remote server may not spend the user's model unless allowed: it
	// gets no sampling capability.
	code, stdout, stderr := cli(t, env, "run", "--http", hs.URL, "summarise it")
	if code != 0 || !strings.Contains(stdout, "does not support CreateMessage") {
		t.Fatalf("not allowed: exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, env, "run", "--allow-sampling", "--http", hs.URL, "summarise it")
	if code != 0 || strings.TrimSpace(stdout) != "sampled(a long story)" {
		t.Fatalf("allowed: exit %d %q %q", code, stdout, stderr)
	}
	// Under --confirm the user is asked: yes to the tool, no to the sampling.
	var out, errOut syncBuffer
	a := &app{stdin: strings.NewReader("y\nn\n"), stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }}
	code = a.main(context.Background(), []string{"run", "--confirm", "--allow-sampling", "--http", hs.URL, "summarise it"})
	if code != 0 || !strings.Contains(out.String(), "sampling refused: not approved") || !strings.Contains(errOut.String(), `asks your model (up to 10 tokens): "a long story". Allow? [y/N]`) {
		t.Fatalf("declined: exit %d %q %q", code, out.String(), errOut.String())
	}
	// A budget of one request in the config: the second is refused.
	cfg := filepath.Join(t.TempDir(), "servers.json")
	os.WriteFile(cfg, []byte(`{"mcpServers": {"s": {"url": "`+hs.URL+`", "sampling": {"allow": true, "maxRequests": 1}}}}`), 0o600)
	twice := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		switch res := t.Results(); {
		case len(t.Tools) == 0:
			return mistraltest.Respond(mistraltest.Text("sampled")), nil
		case len(res) == 2:
			return mistraltest.Respond(mistraltest.Text(strings.Join(slices.Sorted(maps.Values(res)), " | "))), nil
		}
		return mistraltest.Respond(mistraltest.Call("summarise", map[string]string{"text": "one"}), mistraltest.Call("summarise", map[string]string{"text": "two"})), nil
	})
	defer twice.Close()
	env["MISTRAL_SERVER_URL"] = twice.URL
	code, stdout, stderr = cli(t, env, "run", "--config", cfg, "summarise twice")
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(stdout), "| sampled") || !strings.Contains(stdout, "budget of 1 sampling requests is spent") {
		t.Fatalf("budget: exit %d %q %q", code, stdout, stderr)
	}
}
