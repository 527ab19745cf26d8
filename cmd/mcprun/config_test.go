package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	claude := `{"mcpServers": {
	  "fs": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], "env": {"DEBUG": "1"}},
	  "linear": {"url": "https://mcp.linear.app/sse", "type": "sse"},
	  "remote": {"url": "https://example.com/mcp", "headers": {"Authorization": "Bearer x"}}
	}}`
	got, err := parseConfig([]byte(claude), nil)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, s := range got {
		k, _ := s.transport()
		kinds = append(kinds, s.Name+"="+k)
	}
	if strings.Join(kinds, ",") != "fs=stdio,linear=sse,remote=auto" || got[0].Env["DEBUG"] != "1" || len(got[0].Args) != 3 {
		t.Fatalf("%v %+v", kinds, got)
	}
	vscode := `{"servers": {"gh": {"type": "http", "url": "https://api.githubcopilot.com/mcp/"}, "local": {"type": "stdio", "command": "server"}}}`
	got, err = parseConfig([]byte(vscode), nil)
	if err != nil || len(got) != 2 || got[0].Name != "gh" {
		t.Fatalf("%v %+v", err, got)
	}
	if k, _ := got[0].transport(); k != "http" {
		t.Fatal(k)
	}
	for _, bad := range []string{`{"mcpServers": {"x": {}}}`, `{"servers": {"x": {"type": "carrier-pigeon", "url": "u"}}}`, `not json`} {
		if _, err := parseConfig([]byte(bad), nil); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func TestStdioSplitting(t *testing.T) {
	f := serverFlags{config: "/nonexistent-so-no-default"}
	f.stdio = listFlag{`node "my server.js" --name 'a b' plain\ word $HOME`}
	_, err := f.servers(func(k string) string { return map[string]string{"HOME": "/home/u"}[k] })
	if err == nil {
		t.Fatal("an explicit missing config must be an error")
	}
	f.config = ""
	got, err := f.servers(func(k string) string { return map[string]string{"HOME": "/home/u"}[k] })
	if err != nil {
		t.Fatal(err)
	}
	s := got[len(got)-1]
	want := []string{"my server.js", "--name", "a b", "plain word", "/home/u"}
	if s.Command != "node" || strings.Join(s.Args, "|") != strings.Join(want, "|") {
		t.Fatalf("%q %q", s.Command, s.Args)
	}
	f.stdio = listFlag{`node "unterminated`}
	if _, err := f.servers(nil); err == nil {
		t.Fatal("unterminated quote accepted")
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add(`{"mcpServers": {"fs": {"command": "npx", "args": ["-y", "x"]}}}`)
	f.Add(`{"servers": {"gh": {"type": "http", "url": "https://example.com/mcp", "headers": {"A": "b"}}}}`)
	f.Add(`{"mcpServers": {"x": {"type": "sse"}}}`)
	f.Fuzz(func(t *testing.T, s string) {
		servers, err := parseConfig([]byte(s), func(string) string { return "" })
		if err != nil {
			return
		}
		for _, sv := range servers {
			if _, err := sv.transport(); err != nil {
				t.Fatalf("accepted a server it cannot reach: %+v: %v", sv, err)
			}
		}
	})
}

func TestConfigVariablesCommentsDisabled(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".env"), []byte("# secrets\nexport API_KEY=\"from-file\"\nLEVEL=debug\n"), 0o600)
	cfg := filepath.Join(dir, "mcp.json")
	os.WriteFile(cfg, []byte(`{
	  // VS Code allows comments and trailing commas
	  "servers": {
	    "gh": {"type": "http", "url": "${BASE:-https://example.com}/mcp", "headers": {"Authorization": "Bearer ${env:TOKEN}"},},
	    "local": {"type": "stdio", "command": "${HOME}/bin/server", "args": ["--level", "${LEVEL}"], "envFile": ".env", "env": {"LEVEL": "info"}, "timeout": 30},
	    "off": {"command": "never", "disabled": true},
	  },
	}`), 0o644)
	env := map[string]string{"TOKEN": "t0k", "HOME": "/home/u"}
	got, err := loadConfig(cfg, false, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d servers (disabled one kept?)", len(got))
	}
	gh, local := got[0], got[1]
	if gh.URL != "https://example.com/mcp" || gh.Headers["Authorization"] != "Bearer t0k" {
		t.Fatalf("gh %+v", gh)
	}
	if local.Command != "/home/u/bin/server" || local.Args[1] != "" || local.Env["API_KEY"] != "from-file" || local.Env["LEVEL"] != "info" || local.callTimeout() != 30*time.Second {
		t.Fatalf("local %+v", local)
	}
	if _, err := parseConfig([]byte(`{"servers": {"x": {"url": "${input:key}"}}}`), nil); err == nil || !strings.Contains(err.Error(), "inputs are not supported") {
		t.Fatalf("input variable: %v", err)
	}
}
