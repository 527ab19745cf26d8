package mcpconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDidYouMean(t *testing.T) {
	for _, c := range []struct {
		key   string
		known []string
		want  string
	}{
		{"argz", []string{"command", "args", "env"}, `"args"`},
		{"serverUrl", []string{"command", "url"}, `"url"`},
		{"cmd", []string{"command", "url"}, `"command"`},
		{"zzzzzz", []string{"command", "args"}, ""},
		{"mcpServer", sections, `"mcpServers"`},
	} {
		got := didYouMean(c.key, c.known)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("didYouMean(%q) = %q, want %s", c.key, got, c.want)
		}
	}
}

func TestErrorIsTyped(t *testing.T) {
	_, err := Parse("x/.mcp.json", []byte(`{"mcpServers": {"a": {"command": 1}}}`), Options{})
	var e *Error
	if !errors.As(err, &e) || e.Key != "mcpServers.a.command" || e.File != "x/.mcp.json" {
		t.Fatalf("%#v", err)
	}
	if _, err := Parse("x/y.json", []byte(`not json`), Options{}); !errors.As(err, &e) || e.Err == nil {
		t.Fatalf("syntax error: %#v", err)
	}
}

// A VS Code input is asked once through Prompt, however often it is used,
// and only when a server refers to it.
func TestInputsPromptedOnce(t *testing.T) {
	data := `{"inputs": [{"type": "promptString", "id": "k", "password": true}, {"type": "promptString", "id": "unused"}],
	  "servers": {"a": {"command": "x", "env": {"K": "${input:k}"}}, "b": {"command": "y", "args": ["${input:k}"]}}}`
	var asked []Input
	f, err := Parse(".vscode/mcp.json", []byte(data), Options{Prompt: func(in Input) (string, error) {
		asked = append(asked, in)
		return "typed", nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0].ID != "k" || !asked[0].Password {
		t.Fatalf("asked %+v", asked)
	}
	if f.Servers[0].Env["K"] != "typed" || f.Servers[1].Args[0] != "typed" {
		t.Fatalf("%+v", f.Servers)
	}
	// pickString answers must be one of the options.
	pick := `{"inputs": [{"type": "pickString", "id": "r", "options": ["eu", "us"]}], "servers": {"a": {"command": "x", "args": ["${input:r}"]}}}`
	if _, err := Parse(".vscode/mcp.json", []byte(pick), Options{Prompt: func(Input) (string, error) { return "mars", nil }}); err == nil || !strings.Contains(err.Error(), "not one of") {
		t.Fatalf("pick: %v", err)
	}
}

// The format is decided by the name first, the shape second; Options.Format
// overrides both.
func TestDetect(t *testing.T) {
	for name, c := range map[string]struct {
		path, data string
		want       Format
	}{
		"gemini by shape":   {"x.json", `{"mcpServers": {"a": {"httpUrl": "https://e/mcp"}}}`, FormatGemini},
		"windsurf by shape": {"x.json", `{"mcpServers": {"a": {"serverUrl": "https://e/mcp"}}}`, FormatWindsurf},
		"cline by shape":    {"x.json", `{"mcpServers": {"a": {"command": "x", "autoApprove": []}}}`, FormatCline},
		"zed by shape":      {"x.json", `{"context_servers": {}}`, FormatZed},
		"vscode settings":   {"x.json", `{"mcp": {"servers": {}}}`, FormatVSCode},
		"mcprun by shape":   {"x.json", `{"mcpServers": {"a": {"command": "x"}}}`, FormatMcprun},
		"claude code":       {"p/.mcp.json", `{"mcpServers": {}}`, FormatClaudeCode},
		"cursor":            {"p/.cursor/mcp.json", `{"mcpServers": {}}`, FormatCursor},
	} {
		f, err := Parse(c.path, []byte(c.data), Options{})
		if err != nil || f.Format != c.want {
			t.Errorf("%s: %v %v", name, f, err)
		}
	}
	f, err := Parse("x.json", []byte(`{"mcpServers": {"a": {"url": "https://e/sse"}}}`), Options{Format: FormatGemini})
	if err != nil || f.Servers[0].Transport != SSE {
		t.Fatalf("forced gemini: %+v %v", f, err)
	}
	if _, err := Parse("x.json", []byte(`{}`), Options{Format: "gemeni"}); err == nil || !strings.Contains(err.Error(), `"gemini"`) {
		t.Fatalf("bad format: %v", err)
	}
}

// Gemini's $VAR is expanded; an unset one is an error, not an empty string.
func TestGeminiDollar(t *testing.T) {
	data := `{"mcpServers": {"a": {"command": "x", "env": {"K": "$SET-$UNSET"}}}}`
	_, err := Parse(".gemini/settings.json", []byte(data), Options{Getenv: func(k string) string {
		return map[string]string{"SET": "s"}[k]
	}})
	if err == nil || !strings.Contains(err.Error(), "$UNSET is not set") {
		t.Fatalf("%v", err)
	}
}

func TestLoadBounds(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "mcprun.json")
	if err := os.WriteFile(big, make([]byte, MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big, Options{}); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("%v", err)
	}
	if _, err := Load(filepath.Join(dir, "absent.json"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("absent: %v", err)
	}
}

// The readers' shared entry reads (entry.go) keep each format's words in
// their errors.
func TestEntryErrors(t *testing.T) {
	for _, c := range []struct{ path, data, want string }{
		{"config.toml", "[mcp_servers.a]\ncommand = \"x\"\nenv_vars = [\"SET\", \"UNSET\"]\n", `mcp_servers.a.env_vars[1]: the environment variable UNSET is not set`},
		{"config.toml", "[mcp_servers.a]\ncommand = \"x\"\nurl = \"https://h/mcp\"\n", `a url (Streamable HTTP)`},
		{"config.toml", "[mcp_servers.a]\nenabled = \"no\"\ncommand = \"x\"\n", `enabled`},
		{"config.yaml", "extensions:\n  a:\n    type: stdio\n    cmd: x\n    env_keys: [UNSET]\n", `extensions.a.env_keys[0]: the environment variable UNSET is not set (Goose keeps it in its keyring`},
		{"settings.json", `{"context_servers": {"a": {"command": "x", "url": "https://h/mcp"}}}`, `a url (remote)`},
		{"settings.json", `{"context_servers": {"a": {}}}`, `context_servers.a: needs a "command" (a stdio server) or a "url" (a remote server)`},
		{"settings.json", `{"context_servers": {"a": {"command": "x", "colour": 1}}}`, `colour`},
	} {
		_, err := Parse(c.path, []byte(c.data), Options{Getenv: func(k string) string { return map[string]string{"SET": "s"}[k] }})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: %v, want %q", c.path, c.data, err, c.want)
		}
	}
	f, err := Parse("config.toml", []byte("[mcp_servers.a]\ncommand = \"x\"\nenabled = false\n[mcp_servers.b]\ncommand = \"y\"\nenv_vars = [\"SET\"]\n"), Options{Getenv: func(k string) string { return map[string]string{"SET": "s"}[k] }})
	if err != nil || len(f.Servers) != 1 || f.Servers[0].Env["SET"] != "s" || len(f.Dropped) != 1 || f.Dropped[0].Reason != "disabled" {
		t.Fatalf("%+v %v", f, err)
	}
}
