package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/internal/serverflags"
)

func TestStdioSplitting(t *testing.T) {
	a := &app{getenv: func(k string) string { return map[string]string{"HOME": "/home/u"}[k] }}
	f := serverFlags{config: "/nonexistent-so-no-default"}
	f.Stdio = serverflags.List{`node "my server.js" --name 'a b' plain\ word $HOME`}
	_, err := a.servers(&f)
	if err == nil {
		t.Fatal("an explicit missing config must be an error")
	}
	f.config = ""
	got, err := a.servers(&f)
	if err != nil {
		t.Fatal(err)
	}
	s := got[len(got)-1]
	want := []string{"my server.js", "--name", "a b", "plain word", "/home/u"}
	if s.Command != "node" || strings.Join(s.Args, "|") != strings.Join(want, "|") {
		t.Fatalf("%q %q", s.Command, s.Args)
	}
	f.Stdio = serverflags.List{`node "unterminated`}
	if _, err := a.servers(&f); err == nil {
		t.Fatal("unterminated quote accepted")
	}
}

// Each client's file works with --config; `config check` shows what would
// start without values; typos are one line with a did-you-mean.
func TestConfigFormatsInTheCLI(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	codex := write("config.toml", "model = \"x\"\n[mcp_servers.weather]\ncommand = \""+weatherServer+"\"\n")
	code, stdout, stderr := cli(t, nil, "tools", "--config", codex)
	if code != 0 || !strings.Contains(stdout, "get_weather") {
		t.Fatalf("codex: exit %d %q %q", code, stdout, stderr)
	}
	gemini := write(".gemini/settings.json", `{"theme": "x", "mcpServers": {
	  "weather": {"command": "`+weatherServer+`", "excludeTools": ["get_weather"]},
	  "remote": {"httpUrl": "http://127.0.0.1:1/mcp", "headers": {"Authorization": "Bearer $TOKEN"}}}}`)
	code, stdout, stderr = cli(t, map[string]string{"TOKEN": "s3cret"}, "config", "check", gemini)
	if code != 0 || !strings.Contains(stdout, "gemini format, 2 server(s)") || !strings.Contains(stdout, "headers Authorization") ||
		!strings.Contains(stdout, "not tools get_weather") || strings.Contains(stdout, "s3cret") {
		t.Fatalf("config check: exit %d %q %q", code, stdout, stderr)
	}
	goose := write("goose/config.yaml", "extensions:\n  weather:\n    type: stdio\n    cmd: "+weatherServer+"\n  developer:\n    type: builtin\n    name: developer\n")
	code, stdout, stderr = cli(t, nil, "tools", "--config", goose)
	if code != 0 || !strings.Contains(stdout, "get_weather") || !strings.Contains(stdout, "Not offered") || !strings.Contains(stdout, "developer") {
		t.Fatalf("goose: exit %d %q %q", code, stdout, stderr)
	}
	hidden := write("hidden/.gemini/settings.json", `{"mcpServers": {"weather": {"command": "`+weatherServer+`", "excludeTools": ["get_weather"]}}}`)
	code, stdout, stderr = cli(t, nil, "tools", "--config", hidden)
	if code != 0 || !regexp.MustCompile(`(?s)Not offered.*get_weather\s+hidden by the config file's deny list`).MatchString(stdout) {
		t.Fatalf("deny list: exit %d %q %q", code, stdout, stderr)
	}
	vscode := write(".vscode/mcp.json", `{"inputs": [{"type": "promptString", "id": "key", "password": true}],
	  "servers": {"w": {"command": "`+weatherServer+`", "env": {"KEY": "${input:key}"}}}}`)
	code, _, stderr = cli(t, nil, "config", "check", vscode)
	if code != 1 || !strings.Contains(stderr, "--input key=VALUE") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("missing input: exit %d %q", code, stderr)
	}
	code, stdout, stderr = cli(t, nil, "config", "check", "--input", "key=hunter2", vscode)
	if code != 0 || !strings.Contains(stdout, "env KEY") || strings.Contains(stdout, "hunter2") {
		t.Fatalf("input given: exit %d %q %q", code, stdout, stderr)
	}
	typo := write("typo/mcprun.json", `{"mcpServers": {"w": {"command": "x", "argz": []}}}`)
	code, _, stderr = cli(t, nil, "tools", "--config", typo)
	if code != 1 || !strings.Contains(stderr, typo+`: mcpServers.w.argz: unknown key (did you mean "args"?)`) || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("typo: exit %d %q", code, stderr)
	}
}

// Cursor writes an SSE server as a bare url with headers: it is tried as
// Streamable HTTP, then as SSE, with the headers on every request.
func TestSSEWithHeadersFallsBack(t *testing.T) {
	srv := mcp.NewServer(&mcp.Implementation{Name: "sse-only"}, nil)
	mcp.AddTool(srv, &mcp.Tool{Name: "ping", Description: "answers pong"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "pong"}}}, nil, nil
	})
	sse := mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	var unauthenticated atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("API_KEY") != "value" || r.Header.Get("Authorization") != "Bearer t" {
			unauthenticated.Add(1)
			http.Error(w, "no key", http.StatusForbidden)
			return
		}
		if r.Method == http.MethodPost && r.URL.Query().Get("sessionid") == "" {
			http.Error(w, "SSE only", http.StatusMethodNotAllowed) // as an SSE-only server answers a Streamable HTTP POST
			return
		}
		sse.ServeHTTP(w, r)
	}))
	defer hs.Close()
	cfg := filepath.Join(t.TempDir(), ".cursor", "mcp.json")
	os.MkdirAll(filepath.Dir(cfg), 0o755)
	os.WriteFile(cfg, []byte(`{"mcpServers": {"s": {"url": "`+hs.URL+`/sse", "headers": {"API_KEY": "value", "Authorization": "Bearer ${env:TOK}"}}}}`), 0o644)
	code, stdout, stderr := cli(t, map[string]string{"TOK": "t"}, "call", "--config", cfg, "s", "ping", "{}")
	if code != 0 || !strings.Contains(stdout, "pong") || unauthenticated.Load() != 0 {
		t.Fatalf("exit %d %q %q (requests without the headers: %d)", code, stdout, stderr, unauthenticated.Load())
	}
}
