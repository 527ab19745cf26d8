package mcpclient

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// StdioParams says how to start a stdio MCP server.
type StdioParams struct {
	// Command is run directly (looked up in PATH if it has no slash), never
	// through a shell.
	Command string
	Args    []string
	// Env is merged over the client's own environment.
	Env map[string]string
	// Dir is the working directory; empty means the client's.
	Dir string
}

// waitDelay bounds how long reaping a child waits for its stderr pipe after
// it exited (a grandchild may hold it open).
const waitDelay = 2 * time.Second

// NewStdio returns a client for a server started as a subprocess, speaking
// MCP over its stdin and stdout. Its stderr is kept in a bounded buffer
// (see [Client.Stderr]) and shown in errors. The process is started by
// [Client.Connect] with exec.Command, not exec.CommandContext: cancelling a
// context never kills a connected server; [Client.Close] does.
func NewStdio(p StdioParams, opts ...Option) *Client {
	c := newClient(filepath.Base(p.Command), nil, opts)
	c.stderr = newRingBuffer(c.opts.stderrLimit)
	env := os.Environ()
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range p.Env {
			if !yield(k) {
				return
			}
		}
	}) {
		env = append(env, k+"="+p.Env[k]) // later entries win in os/exec
	}
	args := slices.Clone(p.Args)
	c.dialer = func(ctx context.Context, c *Client) (*mcp.ClientSession, *hooks, error) {
		if p.Command == "" {
			return nil, nil, fmt.Errorf("no command given")
		}
		cmd := exec.Command(p.Command, args...)
		cmd.Env = env
		cmd.Dir = p.Dir
		cmd.WaitDelay = waitDelay
		ownProcessGroup(cmd)
		// Our own stderr pipe, rather than os/exec's copying goroutine: its
		// end (EOF) tells when everything the server wrote is in the buffer,
		// so that errors show the whole of a crashed server's last words.
		pr, pw, err := os.Pipe()
		if err != nil {
			return nil, nil, err
		}
		cmd.Stderr = pw
		settled := make(chan struct{})
		go func() {
			defer close(settled)
			_, _ = io.Copy(c.stderr, pr)
		}()
		h := &hooks{stdio: true, settled: settled, cleanup: func() {
			killProcessGroup(cmd)
			// Bounded: a process outside the group may still hold the pipe.
			t := time.NewTimer(waitDelay)
			select {
			case <-settled:
			case <-t.C:
			}
			t.Stop()
			_ = pr.Close() // ends the copy if it still runs
			<-settled
		}}
		t := &mcp.CommandTransport{Command: cmd, TerminateDuration: c.opts.terminateTimeout}
		cs, err := c.sdk.Connect(ctx, t, nil)
		_ = pw.Close() // the child has its own copy
		if err != nil {
			// The go-sdk closed the session, which stops a started child.
			return nil, h, err
		}
		return cs, h, nil
	}
	return c
}
