package mcpclient

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
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
		cmd.Stderr = c.stderr
		cmd.WaitDelay = waitDelay
		h := &hooks{exit: exitStatus(cmd)}
		t := &mcp.CommandTransport{Command: cmd, TerminateDuration: c.opts.terminateTimeout}
		cs, err := c.sdk.Connect(ctx, t, nil)
		if err != nil {
			// The go-sdk closed the session, which reaps a started child.
			return nil, h, err
		}
		return cs, h, nil
	}
	return c
}

// exitStatus reports how a reaped child ended. The go-sdk reaps the child
// when the connection closes, before ClientSession.Wait returns.
func exitStatus(cmd *exec.Cmd) func() error {
	var once sync.Once
	var err error
	return func() error {
		once.Do(func() {
			st := cmd.ProcessState
			switch {
			case st == nil:
				// Not reaped yet: nothing more to say than that it ended.
			case !st.Success():
				err = fmt.Errorf("%s", st.String())
			}
		})
		return err
	}
}
