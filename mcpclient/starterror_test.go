package mcpclient

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// A command that cannot start is one line naming it and why, matchable,
// whichever stdio transport runs it: not a failed handshake.
func TestStdioStartError(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("#!/bin/sh\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		command string
		opts    []Option
		is      error
		msg     string
	}{
		{"no-such-mcp-server-xyz", nil, exec.ErrNotFound,
			`mcp server "no-such-mcp-server-xyz": connect: starting "no-such-mcp-server-xyz": executable file not found in $PATH`},
		{plain, nil, fs.ErrPermission,
			`mcp server "plain": connect: starting "` + plain + `": permission denied`},
		{"sh", []Option{WithDir(filepath.Join(dir, "gone"))}, fs.ErrNotExist,
			`mcp server "sh": connect: starting "sh": working directory: stat ` + filepath.Join(dir, "gone") + `: no such file or directory`},
	}
	for _, sdk := range []bool{false, true} {
		for _, tc := range cases {
			noLeaks(t)
			opts := tc.opts
			if sdk {
				opts = append(opts[:len(opts):len(opts)], WithSDKStdio())
			}
			c := must(NewStdio(tc.command, nil, opts...))
			err := c.Connect(ctxT(t))
			var se *StartError
			if !errors.As(err, &se) || se.Command != tc.command || !errors.Is(err, tc.is) {
				t.Errorf("sdk %v, %s: Connect = %v, want a StartError matching %v", sdk, tc.command, err, tc.is)
			} else if err.Error() != tc.msg {
				t.Errorf("sdk %v: Connect = %q\nwant          %q", sdk, err, tc.msg)
			}
			c.Close()
		}
	}
}
