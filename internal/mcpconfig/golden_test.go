package mcpconfig

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// testEnv is the environment every golden case sees.
var testEnv = map[string]string{
	"API_KEY": "k-123", "MY_TOKEN": "t-456", "GITHUB_TOKEN": "gh-789", "AUTH_TOKEN": "a-1",
	"DB_CONNECTION_STRING": "postgres://db", "EXTERNAL_API_KEY": "ext-2", "API_TOKEN": "tok-3",
	"LOCAL_TOKEN": "lt-4", "FIGMA_OAUTH_TOKEN": "fig-5", "FIGMA_ORG_ID": "org-6", "FETCH_TOKEN": "ft-7",
	"REMOTE_KEY": "rk-8", "TOKEN": "t0k", "HOME": "/home/user", "CLIENT_SECRET": "cs-9",
}

func testOptions() Options {
	return Options{
		Getenv: func(k string) string { return testEnv[k] },
		Home:   "/home/user",
		Inputs: map[string]string{"perplexity-key": "pplx-secret", "region": "us"},
	}
}

// dump renders everything a File says, values included (tests only: the
// CLI's `config check` hides env and header values).
func dump(f *File, root string) string {
	var b strings.Builder
	rel := func(s string) string { return strings.ReplaceAll(s, root, "<testdata>") }
	fmt.Fprintf(&b, "format: %s\n", f.Format)
	for _, s := range f.Servers {
		fmt.Fprintf(&b, "server %q: %s\n", s.Name, s.Transport)
		if s.Command != "" {
			fmt.Fprintf(&b, "  command: %q %q\n", rel(s.Command), mapSlice(s.Args, rel))
		}
		if s.URL != "" {
			fmt.Fprintf(&b, "  url: %s\n", s.URL)
		}
		for _, k := range sortedKeys(s.Env) {
			fmt.Fprintf(&b, "  env %s=%s\n", k, rel(s.Env[k]))
		}
		for _, k := range sortedKeys(s.Headers) {
			fmt.Fprintf(&b, "  header %s: %s\n", k, s.Headers[k])
		}
		if s.Cwd != "" {
			fmt.Fprintf(&b, "  cwd: %s\n", rel(s.Cwd))
		}
		if s.EnvFile != "" {
			fmt.Fprintf(&b, "  envFile: %s\n", rel(s.EnvFile))
		}
		if s.Timeout != 0 {
			fmt.Fprintf(&b, "  timeout: %s\n", s.Timeout)
		}
		if s.StartupTimeout != 0 {
			fmt.Fprintf(&b, "  startup timeout: %s\n", s.StartupTimeout)
		}
		if s.Allow != nil {
			fmt.Fprintf(&b, "  allow: %q\n", s.Allow)
		}
		if s.Deny != nil {
			fmt.Fprintf(&b, "  deny: %q\n", s.Deny)
		}
		if o := s.OAuth; o != nil {
			fmt.Fprintf(&b, "  oauth: client %s secret %s key %q scopes %q\n", o.ClientID, o.ClientSecret, rel(o.PrivateKeyFile), o.Scopes)
		}
	}
	for _, d := range f.Dropped {
		fmt.Fprintf(&b, "dropped %q: %s\n", d.Name, d.Reason)
	}
	return b.String()
}

func mapSlice(s []string, f func(string) string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = f(v)
	}
	return out
}

// TestGolden reads each client's documented example (testdata/CLIENT/…)
// and compares what would start with testdata/golden/CLIENT.golden.
func TestGolden(t *testing.T) {
	root, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"claude-desktop":  "claude-desktop/claude_desktop_config.json",
		"claude-code":     "claude-code/.mcp.json",
		"cursor":          "cursor/.cursor/mcp.json",
		"cline":           "cline/cline_mcp_settings.json",
		"windsurf":        "windsurf/mcp_config.json",
		"vscode":          "vscode/.vscode/mcp.json",
		"vscode-settings": "vscode-settings/settings.json",
		"gemini":          "gemini/.gemini/settings.json",
		"zed":             "zed/zed/settings.json",
		"codex":           "codex/config.toml",
		"goose":           "goose/config.yaml",
		"continue":        "continue/config.yaml",
		"continue-block":  "continue/.continue/mcpServers/playwright-mcp.yaml",
		"mcprun":          "mcprun/mcprun.json",
	}
	for _, name := range slices.Sorted(mapKeys(cases)) {
		t.Run(name, func(t *testing.T) {
			f, err := Load(filepath.Join(root, cases[name]), testOptions())
			var got string
			if err != nil {
				got = "error: " + strings.ReplaceAll(err.Error(), root, "<testdata>") + "\n"
			} else {
				got = dump(f, root)
			}
			golden(t, name, got)
		})
	}
}

// TestGoldenBad: each misread or mistyped file is one line naming the file
// and key, with a did-you-mean where one fits.
func TestGoldenBad(t *testing.T) {
	root, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	dirs, err := os.ReadDir(filepath.Join(root, "bad"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, d := range dirs {
		files, _ := os.ReadDir(filepath.Join(root, "bad", d.Name()))
		for _, f := range files {
			path := filepath.Join(root, "bad", d.Name(), f.Name())
			_, err := Load(path, testOptions())
			if err == nil {
				t.Errorf("%s: no error", path)
				continue
			}
			msg := strings.ReplaceAll(err.Error(), root, "<testdata>")
			if strings.Contains(msg, "\n") {
				t.Errorf("%s: error spans lines: %q", path, msg)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("%s: error does not name the file: %s", path, msg)
			}
			fmt.Fprintf(&b, "%s\n", msg)
		}
	}
	golden(t, "bad", b.String())
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n--- got\n%s--- want\n%s", name, path, got, want)
	}
}

func mapKeys[M ~map[K]V, K comparable, V any](m M) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
