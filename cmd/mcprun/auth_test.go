package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcprun/mcprun/internal/testpeers"
	"github.com/mcprun/mcprun/mistraltest"
)

// followRedirects plays the browser: it GETs the login URL and follows the
// redirects to the loopback callback, which ends the login.
func followRedirects(ctx context.Context, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}

func TestAuthLoginStatusRunLogout(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	server := testpeers.StartTSOAuthServer(t)
	cfgDir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfgDir)
	env := map[string]string{"MCPRUN_TOKEN_STORE": "file"}
	logins := 0
	browse := func(ctx context.Context, u string) error { logins++; return followRedirects(ctx, u) }

	code, stdout, stderr := cliWith(t, env, browse, "auth", "login", server)
	if code != 0 || !strings.Contains(stdout, "logged in to "+server) || logins != 1 {
		t.Fatalf("login: exit %d %q %q (logins %d)", code, stdout, stderr, logins)
	}
	tokenFile := filepath.Join(cfgDir, "mcprun")
	if entries, _ := os.ReadDir(tokenFile); len(entries) == 0 {
		t.Fatalf("nothing stored under %s", tokenFile)
	}
	code, stdout, _ = cliWith(t, env, browse, "auth", "status")
	if code != 0 || !strings.Contains(stdout, server) || !strings.Contains(stdout, "file:") {
		t.Fatalf("status: exit %d %q", code, stdout)
	}
	// A run and a tool listing use the stored token: no new login.
	api := mistraltest.NewServer(demoModel())
	defer api.Close()
	env["MISTRAL_API_KEY"], env["MISTRAL_SERVER_URL"] = "k", api.URL
	code, stdout, stderr = cliWith(t, env, browse, "tools", "--http", server)
	if code != 0 || !strings.Contains(stdout, "greet") || logins != 1 {
		t.Fatalf("tools: exit %d %q %q (logins %d)", code, stdout, stderr, logins)
	}
	code, _, stderr = cliWith(t, env, browse, "run", "--http", server, "hello")
	if code != 0 || logins != 1 {
		t.Fatalf("run: exit %d %q (logins %d)", code, stderr, logins)
	}
	// A config entry with only a url (Streamable HTTP, SSE fallback) is
	// authenticated through the RoundTripper, with the same stored login.
	auto := filepath.Join(t.TempDir(), "mcprun.json")
	os.WriteFile(auto, []byte(`{"mcpServers": {"ts": {"url": "`+server+`"}}}`), 0o600)
	code, stdout, stderr = cliWith(t, env, browse, "call", "--config", auto, "ts", "greet", `{"name":"mcprun"}`)
	if code != 0 || !strings.Contains(stdout, "mcprun") || logins != 1 {
		t.Fatalf("auto transport: exit %d %q %q (logins %d)", code, stdout, stderr, logins)
	}
	code, stdout, stderr = cliWith(t, env, browse, "auth", "logout", server)
	if code != 0 || !strings.Contains(stdout, "logged out") {
		t.Fatalf("logout: exit %d %q %q", code, stdout, stderr)
	}
	t.Logf("logout: %q %q", stdout, stderr)
	code, stdout, _ = cliWith(t, env, browse, "auth", "status")
	if code != 0 || !strings.Contains(stdout, "no logins stored") {
		t.Fatalf("status after logout: %q", stdout)
	}
	// Logged out, with a browser that refuses: the login fails cleanly.
	refuse := func(context.Context, string) error { return errors.New("no browser here") }
	code, _, stderr = cliWith(t, env, refuse, "tools", "--http", server)
	if code != 1 || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("refused login: exit %d %q", code, stderr)
	}
	// Logged out, through the RoundTripper: a 401 runs the login there too.
	code, stdout, stderr = cliWith(t, env, browse, "call", "--config", auto, "ts", "greet", `{"name":"again"}`)
	if code != 0 || !strings.Contains(stdout, "again") || logins != 2 {
		t.Fatalf("login through the RoundTripper: exit %d %q %q (logins %d)", code, stdout, stderr, logins)
	}
}

func cliWith(t *testing.T, env map[string]string, browser func(context.Context, string) error, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut syncBuffer
	a := &app{stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }, browser: browser}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code := a.main(ctx, args)
	return code, out.String(), errOut.String()
}

// auth status lists the store: it takes no server, no config and no scopes
// (it ignored them), and only login takes --scopes. login and logout find
// a remote server and start none: no --stdio, --tool-timeout or
// --shutdown-grace (they listed them, and ignored them).
func TestAuthFlagsAreTheSubcommands(t *testing.T) {
	env := map[string]string{"XDG_CONFIG_HOME": t.TempDir(), "MCPRUN_TOKEN_STORE": "file"}
	for _, args := range [][]string{
		{"auth", "status", "https://mcp.example.com/mcp"},
		{"auth", "status", "--config", "x.json"},
		{"auth", "logout", "--scopes", "a", "https://mcp.example.com/mcp"},
		{"auth", "login", "--tool-pins", "off", "https://mcp.example.com/mcp"},
		{"auth", "login", "--stdio", "x", "https://mcp.example.com/mcp"},
		{"auth", "login", "--tool-timeout", "1s", "https://mcp.example.com/mcp"},
		{"auth", "logout", "--shutdown-grace", "1s", "https://mcp.example.com/mcp"},
		{"auth", "logout", "--stdio", "x", "https://mcp.example.com/mcp"},
	} {
		if code, out, _ := cli(t, env, args...); code != 2 || out != "" {
			t.Errorf("%v: exit %d, stdout %q; want a usage error", args, code, out)
		}
	}
	if code, out, stderr := cli(t, env, "auth", "status"); code != 0 || !strings.HasPrefix(out, "no logins stored") {
		t.Errorf("auth status: exit %d %q %q", code, out, stderr)
	}
	if _, help, _ := cli(t, nil, "help", "auth", "status"); strings.Contains(help, "Flags:") {
		t.Errorf("auth status lists flags it does not read:\n%s", help)
	}
	for _, sub := range []string{"login", "logout"} {
		_, help, _ := cli(t, nil, "help", "auth", sub)
		for _, f := range []string{"-stdio", "-tool-timeout", "-shutdown-grace", "-tool-pins"} {
			if strings.Contains(help, "  "+f+" ") {
				t.Errorf("auth %s lists %s, which it does not read:\n%s", sub, f, help)
			}
		}
		for _, f := range []string{"-config", "-config-format", "-input", "-http", "-sse"} {
			if !strings.Contains(help, "  "+f+" ") {
				t.Errorf("auth %s does not list %s:\n%s", sub, f, help)
			}
		}
	}
}
