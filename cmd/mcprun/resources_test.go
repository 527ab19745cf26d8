package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/internal/serverflags"
	"github.com/mcprun/mcprun/mistraltest"
)

// docsServer is a go-sdk server on loopback with a resource and a prompt.
func docsServer(t *testing.T) string {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: "docs", Version: "1"}, nil)
	s.AddResource(&mcp.Resource{URI: "file:///guide.md", Name: "guide", Description: "The style guide.", MIMEType: "text/markdown"}, func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
		return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: req.Params.URI, MIMEType: "text/markdown", Text: "# Guide\nTabs, not spaces."}}}, nil
	})
	s.AddPrompt(&mcp.Prompt{Name: "review", Description: "Reviews code.", Arguments: []*mcp.PromptArgument{{Name: "language", Required: true}, {Name: "tone"}}}, func(ctx context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: "You review " + req.Params.Arguments["language"] + " code."}}}}, nil
	})
	hs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil))
	t.Cleanup(hs.Close)
	return hs.URL
}

func TestResourcesAndPrompts(t *testing.T) {
	url := docsServer(t)
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "XDG_STATE_HOME": t.TempDir()}
	host := serverflags.HostName(url)
	// The weather server has neither: it is left out of the lists.
	code, stdout, stderr := cli(t, env, "resources", "--http", url, "--stdio", weatherServer)
	if code != 0 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, host) || !strings.Contains(stdout, "file:///guide.md") || !strings.Contains(stdout, "The style guide.") {
		t.Fatalf("resources: exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, env, "resources", "--http", url, host, "file:///guide.md")
	if code != 0 || stdout != "# Guide\nTabs, not spaces.\n" {
		t.Fatalf("read: exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, env, "prompts", "--http", url, "--stdio", weatherServer)
	if code != 0 || strings.Count(stdout, "\n") != 1 || !strings.Contains(stdout, "review") || !strings.Contains(stdout, "language [tone]") {
		t.Fatalf("prompts: exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, env, "prompts", "--http", url, host, "review", "language=go")
	if code != 0 || stdout != "user: You review go code.\n" {
		t.Fatalf("get: exit %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := cli(t, env, "prompts", "--http", url, "nope", "review"); code != 1 || !strings.Contains(stderr, `no server named "nope"`) {
		t.Fatalf("unknown server: exit %d %q", code, stderr)
	}

	// --prompt: the prompt's text is the run's instructions.
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	for k, v := range apiEnv(s) {
		env[k] = v
	}
	code, stdout, stderr = cli(t, env, "run", "--http", url, "--prompt", host+"/review", "hi")
	if code != 0 || stdout != "hi\n" {
		t.Fatalf("run --prompt: exit %d %q %q", code, stdout, stderr)
	}
	var body struct{ Instructions string }
	for _, r := range s.Requests() {
		if r.Path == "/v1/conversations" {
			json.Unmarshal(r.Body, &body)
		}
	}
	if body.Instructions != "You review  code." {
		t.Fatalf("instructions %q", body.Instructions)
	}
	if code, _, stderr := cli(t, env, "run", "--http", url, "--prompt", "elsewhere/review", "hi"); code != 1 || !strings.Contains(stderr, "want SERVER/NAME, SERVER one of: "+host) {
		t.Fatalf("bad --prompt: exit %d %q", code, stderr)
	}
}

// A config whose every entry is left out says why, for each command that
// connects all servers.
func TestNothingToStart(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "mcp.json")
	if err := os.WriteFile(cfg, []byte(`{"mcpServers": {"docs": {"command": "docs-server", "disabled": true}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"tools", "resources", "prompts"} {
		if code, _, stderr := cli(t, nil, cmd, "--config", cfg); code != 1 || !strings.Contains(stderr, "no MCP server to start: docs (disabled)") {
			t.Errorf("%s: exit %d %q", cmd, code, stderr)
		}
	}
}
