package mcpclient

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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

// A server with a PATH of its own (WithEnv) is looked up there, as the
// reference SDKs do: a command only on that PATH starts; one only on the
// client's PATH does not.
func TestStdioCommandOnServersPATH(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("looked up on the client's PATH on Windows")
	}
	bin, empty := t.TempDir(), t.TempDir()
	script := "#!/bin/sh\nexec " + testServerBin + " -mode=echo\n"
	if err := os.WriteFile(filepath.Join(bin, "only-on-server-path-mcp"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, sdk := range []bool{false, true} {
		noLeaks(t)
		opts := []Option{WithEnv(map[string]string{"PATH": bin})}
		if sdk {
			opts = append(opts, WithSDKStdio())
		}
		c := must(NewStdio("only-on-server-path-mcp", nil, opts...))
		if err := c.Connect(ctxT(t)); err != nil {
			t.Errorf("sdk %v: a command on the server's PATH: %v", sdk, err)
		}
		c.Close()

		opts[0] = WithEnv(map[string]string{"PATH": empty})
		c = must(NewStdio("sh", nil, opts...))
		err := c.Connect(ctxT(t))
		var se *StartError
		if !errors.As(err, &se) || !errors.Is(err, exec.ErrNotFound) {
			t.Errorf("sdk %v: sh, not on the server's PATH: %v; want a StartError matching exec.ErrNotFound", sdk, err)
		}
		c.Close()
	}
}
