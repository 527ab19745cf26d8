package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mistraltest"
)

// A plain-HTTP API base URL to another host would carry the key in clear:
// refused in one line, the key not shown.
func TestPlainHTTPServerURLRefused(t *testing.T) {
	env := map[string]string{"MISTRAL_API_KEY": "sk-the-secret-key", "MISTRAL_SERVER_URL": "http://api.example"}
	for _, args := range [][]string{{"run", "hi"}, {"agents", "list"}} {
		code, _, stderr := cli(t, env, args...)
		if code != 1 || !strings.Contains(stderr, "in clear") || strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "sk-the-secret-key") {
			t.Errorf("mcprun %v: exit %d, stderr %q; want one line refusing plain HTTP", args, code, stderr)
		}
	}
}

// Shell syntax the words parser cannot take is a clear error, never a
// panic (`cat <(id)` panicked inside mvdan.cc/sh).
func TestStdioShellSyntaxIsAnError(t *testing.T) {
	for _, s := range []string{"cat <(id)", "echo $(id)", "a | b"} {
		code, _, stderr := cli(t, nil, "tools", "--stdio", s)
		if code != 1 || !strings.Contains(stderr, "no shell is run") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("tools --stdio %q: exit %d, stderr %q", s, code, stderr)
		}
	}
}

// A stdio server sees HOME, PATH and the few others, plus what its entry
// names: the API key only when the config names it; everything with
// "inheritEnv".
func TestStdioServerEnvironment(t *testing.T) {
	t.Setenv("MISTRAL_API_KEY", "sk-the-secret-key")
	t.Setenv("GITHUB_TOKEN", "ghp-the-token")
	env := map[string]string{"MISTRAL_API_KEY": "sk-the-secret-key", "GITHUB_TOKEN": "ghp-the-token"}
	// A script, so that the config's own ${VAR} expansion leaves it alone.
	script := filepath.Join(t.TempDir(), "show.sh")
	if err := os.WriteFile(script, []byte(`echo "key:${MISTRAL_API_KEY:+set} gh:${GITHUB_TOKEN:+set} path:${PATH:+set}" >&2; exit 1`), 0o600); err != nil {
		t.Fatal(err)
	}
	run := `"command": "sh", "args": ["` + script + `"]`
	for _, c := range []struct{ entry, want string }{
		{`{` + run + `}`, "key: gh: path:set"},
		{`{` + run + `, "env": {"MISTRAL_API_KEY": "${MISTRAL_API_KEY}"}}`, "key:set gh: path:set"},
		{`{` + run + `, "inheritEnv": true}`, "key:set gh:set path:set"},
	} {
		cfg := filepath.Join(t.TempDir(), "servers.json")
		if err := os.WriteFile(cfg, []byte(`{"mcpServers": {"env": `+c.entry+`}}`), 0o600); err != nil {
			t.Fatal(err)
		}
		_, _, stderr := cli(t, env, "tools", "--config", cfg)
		if !strings.Contains(stderr, c.want) {
			t.Errorf("%s: the server saw %q, want %q", c.entry, stderr, c.want)
		}
	}
}

// cliAt runs mcprun in dir with stdin answering questions, as a terminal
// (interactive) or not.
func cliAt(t *testing.T, dir string, env map[string]string, stdin string, interactive bool, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	t.Chdir(dir)
	var out, errOut syncBuffer
	a := &app{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }, stdinTerminal: &interactive}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code = a.main(ctx, args)
	return code, out.String(), errOut.String()
}

// A cloned repository's ./mcprun.json starts nothing until the user
// trusted it as it is: without a terminal it is refused in one line; asked,
// "n" starts nothing and "y" remembers it; a change asks again; `mcprun
// trust` trusts it; --config is the user's own choice.
func TestProjectConfigTrust(t *testing.T) {
	repo := t.TempDir()
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "GITHUB_TOKEN": "ghp-the-token"}
	cfg := filepath.Join(repo, "mcprun.json")
	write := func(extra string) {
		t.Helper()
		data := `{"mcpServers": {"weather": {"command": "` + weatherServer + `"` + extra + `}}}`
		if err := os.WriteFile(cfg, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	started := func(stdout string) bool { return strings.Contains(stdout, "get_weather") }
	write("")

	code, stdout, stderr := cliAt(t, repo, env, "", false, "tools")
	if code != 1 || started(stdout) || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "mcprun trust mcprun.json") || !strings.HasSuffix(stderr, "--config mcprun.json\n") {
		t.Fatalf("untrusted, no terminal: exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = cliAt(t, repo, env, "n\n", true, "tools")
	if code != 1 || started(stdout) || !strings.Contains(stderr, weatherServer) {
		t.Fatalf("untrusted, answered n: exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = cliAt(t, repo, env, "y\n", true, "tools")
	if code != 0 || !started(stdout) {
		t.Fatalf("untrusted, answered y: exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = cliAt(t, repo, env, "", false, "tools")
	if code != 0 || !started(stdout) {
		t.Fatalf("trusted: exit %d %q %q", code, stdout, stderr)
	}

	// Changed after the trust: asked again, and the question shows where
	// the token would go (as a variable, not its value).
	write(`, "env": {"TOKEN": "${GITHUB_TOKEN}"}`)
	code, stdout, stderr = cliAt(t, repo, env, "", false, "tools")
	if code != 1 || started(stdout) || !strings.Contains(stderr, "changed since you trusted it") {
		t.Fatalf("changed, no terminal: exit %d %q %q", code, stdout, stderr)
	}
	code, _, stderr = cliAt(t, repo, env, "no\n", true, "tools")
	if code != 1 || !strings.Contains(stderr, "TOKEN=${GITHUB_TOKEN}") || strings.Contains(stderr, "ghp-the-token") {
		t.Fatalf("changed, asked: exit %d %q", code, stderr)
	}
	code, stdout, stderr = cliAt(t, repo, env, "", false, "trust")
	if code != 0 || !strings.Contains(stdout, "trusted mcprun.json") {
		t.Fatalf("mcprun trust: exit %d %q %q", code, stdout, stderr)
	}
	if code, stdout, stderr = cliAt(t, repo, env, "", false, "tools"); code != 0 || !started(stdout) {
		t.Fatalf("after mcprun trust: exit %d %q %q", code, stdout, stderr)
	}

	// Named with --config, a file runs without being trusted.
	write(`, "args": []`)
	if code, stdout, stderr = cliAt(t, repo, env, "", false, "tools", "--config", "mcprun.json"); code != 0 || !started(stdout) {
		t.Fatalf("--config: exit %d %q %q", code, stdout, stderr)
	}
}

// A tool's readOnlyHint skips --confirm only for a server the config marks
// "trusted": from any other server it is an untrusted hint.
func TestReadOnlyHintNeedsTrustedServer(t *testing.T) {
	srv := mcp.NewServer(&mcp.Implementation{Name: "peeker", Version: "1"}, nil)
	mcp.AddTool(srv, &mcp.Tool{Name: "peek", Annotations: &mcp.ToolAnnotations{ReadOnlyHint: true}}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "peeked"}}}, nil, nil
	})
	hs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	defer hs.Close()
	api := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("peek"); ok {
			return mistraltest.Respond(mistraltest.Text("model read: " + res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("peek", map[string]string{})), nil
	})
	defer api.Close()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	env := apiEnv(api)
	env["MCPRUN_TOKEN_STORE"] = "file"
	for _, c := range []struct {
		trusted string
		asked   bool
	}{{"false", true}, {"true", false}} {
		cfg := filepath.Join(t.TempDir(), "servers.json")
		os.WriteFile(cfg, []byte(`{"mcpServers": {"p": {"type": "http", "url": "`+hs.URL+`", "trusted": `+c.trusted+`}}}`), 0o600)
		var out, errOut syncBuffer
		a := &app{stdin: strings.NewReader("n\n"), stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }}
		code := a.main(context.Background(), []string{"run", "--confirm", "--config", cfg, "peek"})
		asked := strings.Contains(errOut.String(), "Run peek (p)")
		if code != 0 || asked != c.asked {
			t.Errorf("trusted %s: exit %d, asked %v (want %v): %q %q", c.trusted, code, asked, c.asked, out.String(), errOut.String())
		}
	}
}

// What a server prints reaches the terminal without control characters
// and without the secrets in use, even quoted in prose.
func TestErrorLineHygiene(t *testing.T) {
	t.Setenv("GITHUB_TOKEN", "ghp-the-token-0123")
	env := map[string]string{"GITHUB_TOKEN": "ghp-the-token-0123"}
	script := filepath.Join(t.TempDir(), "leak.sh")
	if err := os.WriteFile(script, []byte(`printf 'my token is %s \033]0;pwned\007 \033[2J\033[31mred\n' "$GITHUB_TOKEN" >&2; exit 1`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "servers.json")
	os.WriteFile(cfg, []byte(`{"mcpServers": {"leaky": {"command": "sh", "args": ["`+script+`"], "env": {"GITHUB_TOKEN": "${GITHUB_TOKEN}"}}}}`), 0o600)
	code, _, stderr := cli(t, env, "tools", "--config", cfg)
	if code != 1 || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d %q", code, stderr)
	}
	if strings.Contains(stderr, "ghp-the-token-0123") || strings.ContainsAny(stderr, "\x1b\x07") || !strings.Contains(stderr, "my token is [REDACTED]") {
		t.Errorf("error line %q: want the token redacted and no control characters", stderr)
	}
}

// A server answering 401 with a megabyte of WWW-Authenticate is refused
// before the challenge is parsed (the go-sdk's parser would take tens of
// seconds of CPU over it).
func TestHugeChallengeRefused(t *testing.T) {
	huge := `Bearer realm="` + strings.Repeat(`a=",`, 1<<18) + `"`
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", huge)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer hs.Close()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	code, _, stderr := cli(t, map[string]string{"MCPRUN_TOKEN_STORE": "file", "XDG_CONFIG_HOME": t.TempDir()}, "tools", "--http", hs.URL)
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "WWW-Authenticate") || len(stderr) > 2000 {
		t.Fatalf("exit %d, stderr (%d bytes) %.300q", code, len(stderr), stderr)
	}
}
