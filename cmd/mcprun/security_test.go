package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
