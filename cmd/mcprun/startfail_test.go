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
}
