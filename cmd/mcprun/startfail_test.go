package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A --stdio command that cannot start is one line naming the server, the
// command and why, though mcprun runs its servers under its supervisor
// (the in-process CLI does too): not the supervisor's EOF at initialize.
func TestStdioCommandThatCannotStart(t *testing.T) {
	if testSelf() == "" || !canSupervise {
		t.Skip("no supervisor here")
	}
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain-mcp")
	if err := os.WriteFile(plain, []byte("#!/bin/sh\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ stdio, want string }{
		{"no-such-mcp-xyz --flag", `mcprun: mcp server "no-such-mcp-xyz": connect: starting "no-such-mcp-xyz": executable file not found in $PATH` + "\n"},
		{plain, `mcprun: mcp server "plain-mcp": connect: starting "` + plain + `": permission denied` + "\n"},
	} {
		code, out, errOut := cli(t, nil, "tools", "--stdio", tc.stdio)
		if code != 1 || out != "" || errOut != tc.want {
			t.Errorf("--stdio %q: exit %d, stdout %q, stderr\n%q, want\n%q", tc.stdio, code, out, errOut, tc.want)
		}
	}
	// A config's server whose folder is gone.
	cfg := filepath.Join(dir, "mcp.json")
	if err := os.WriteFile(cfg, []byte(`{"mcpServers": {"s": {"command": "sh", "cwd": "`+filepath.Join(dir, "gone")+`"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := cli(t, nil, "tools", "--config", cfg)
	if code != 1 || !strings.Contains(errOut, `mcp server "s": connect: starting "sh": working directory: stat `) || strings.Count(errOut, "\n") != 1 {
		t.Errorf("a gone cwd: exit %d, stderr %q", code, errOut)
	}

	// A config's server with a PATH of its own is looked up there: a
	// command only on that PATH runs (under the supervisor); one missing
	// from it is the same one line.
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(weatherServer, filepath.Join(bin, "weather-only-here")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ command, want string }{
		{"weather-only-here", "get_weather"},
		{"sh", `mcprun: mcp server "sh": connect: starting "sh": executable file not found in $PATH` + "\n"},
	} {
		if err := os.WriteFile(cfg, []byte(`{"mcpServers": {"`+tc.command+`": {"command": "`+tc.command+`", "env": {"PATH": "`+bin+`"}}}}`), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := cli(t, nil, "tools", "--config", cfg)
		if tc.command == "sh" {
			if code != 1 || errOut != tc.want {
				t.Errorf("%s, not on the config's PATH: exit %d, stderr\n%q, want\n%q", tc.command, code, errOut, tc.want)
			}
		} else if code != 0 || !strings.Contains(out, tc.want) {
			t.Errorf("%s, on the config's PATH only: exit %d, stdout %q, stderr %q", tc.command, code, out, errOut)
		}
	}
}
