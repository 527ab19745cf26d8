package mcpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/mcprun/mcprun/internal/lookpath"
	"github.com/mcprun/mcprun/internal/stdioswitch"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// waitDelay bounds how long reaping a child waits for its stderr pipe after
// it exited (a grandchild may hold it open).
const waitDelay = 2 * time.Second

// NewStdio returns a client for a server started as a subprocess, speaking
// MCP over its stdin and stdout. command is run directly (a name without a
// slash is looked up on the server's PATH: the one [WithEnv] gives it, else
// the client's), never through a shell, with args; [WithEnv] and
// [WithDir] set its environment and working directory. It inherits only a
// safe set of the client's environment (HOME, PATH, …; not API keys), as
// the MCP reference SDKs do: see [WithInheritEnv]. Its stderr is kept in
// a bounded buffer (see [Client.Stderr], [WithStderrLimit]) and shown in
// errors. The process is started by [Client.Connect] with exec.Command, not
// exec.CommandContext: cancelling a context never kills a connected server;
// [Client.Close] does.
//
// NewStdio fails if command is empty or an option is invalid or does not
// apply to a stdio server (such as [WithHeaders]).
func NewStdio(command string, args []string, opts ...Option) (*Client, error) {
	if command == "" {
		return nil, errors.New("mcpclient: NewStdio: empty command")
	}
	o, err := buildOptions(familyStdio, opts)
	if err != nil {
		return nil, err
	}
	spec := stdioCommand{command: command, args: slices.Clone(args), env: stdioEnv(o.inheritEnv, o.env), dir: o.dir}
	c := newClient(filepath.Base(command), o, func(ctx context.Context, c *Client) (*mcp.ClientSession, *hooks, error) {
		return c.dialStdio(ctx, spec)
	})
	c.stderr = newRingBuffer(o.stderrLimit)
	return c, nil
}

// stdioCommand is the process [NewStdio] was asked to start.
type stdioCommand struct {
	command string
	args    []string
	env     []string // complete: the safe set (or WithInheritEnv's all) with WithEnv over it
	dir     string   // "" for the client's
}

// dialStdio starts one server process and connects to it over our stdio
// transport (stdioconn.go) or, with [WithSDKStdio], the go-sdk's
// CommandTransport. It is the one place a stdio session is created: another
// stdio transport replaces this function, and everything around it (the
// supervisor, stderr in errors, Close) stays as it is. The returned hooks
// must be non-nil whenever a process was started, so that it is reaped.
func (c *Client) dialStdio(ctx context.Context, spec stdioCommand) (*mcp.ClientSession, *hooks, error) {
	cmd := exec.Command(spec.command, spec.args...)
	if path, ok := envPATH(spec.env); ok && path != os.Getenv("PATH") {
		// The command is looked up on the server's own PATH (os/exec
		// looks only at ours), as the reference SDKs do: not a program of
		// that name on ours, and found when only the server's has it.
		cmd.Path, cmd.Err = lookpath.In(spec.command, path)
	}
	cmd.Env = spec.env
	cmd.Dir = spec.dir
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
	var t mcp.Transport
	if c.opts.sdkStdio || stdioswitch.SDK() {
		st := &sdkStdioTransport{inner: &mcp.CommandTransport{Command: cmd, TerminateDuration: c.opts.terminateTimeout}}
		h.dead = st.isDead
		t = st
	} else {
		st := newStdioTransport(cmd, c.opts.terminateTimeout, c.opts.maxLine, c.opts.logger, c.name)
		h.dead = st.isDead
		t = st
	}
	cs, err := c.sdk.Connect(ctx, t, nil)
	_ = pw.Close() // the child has its own copy
	if err != nil && cmd.Process == nil && isStartErr(err) {
		// Nothing ran: say so in one line, rather than as a handshake
		// that failed. A missing working directory fails the same way
		// as a missing command (ENOENT): name it.
		if spec.dir != "" {
			if _, serr := os.Stat(spec.dir); serr != nil {
				err = fmt.Errorf("working directory: %w", serr)
			}
		}
		return nil, h, &StartError{Command: spec.command, Err: err}
	}
	if err != nil {
		// The go-sdk closed the session, which stops a started child.
		return nil, h, err
	}
	return cs, h, nil
}

// WithEnv sets environment variables of a stdio server, over the few it
// inherits from the client (see [WithInheritEnv]; later WithEnv calls add
// to earlier ones). A
// name that is empty or contains '=' or NUL is an error. Stdio only.
func WithEnv(env map[string]string) Option {
	return func(o *options) error {
		o.onlyFor(familyStdio, "WithEnv")
		for k, v := range env {
			if k == "" || strings.ContainsAny(k, "=\x00") {
				return optErr("WithEnv", "invalid variable name %q", k)
			}
			if strings.ContainsRune(v, 0) {
				return optErr("WithEnv", "value of %s contains NUL", k)
			}
		}
		if o.env == nil {
			o.env = make(map[string]string, len(env))
		}
		for k, v := range env {
			o.env[k] = v
		}
		return nil
	}
}

// WithDir sets the working directory of a stdio server; by default it is
// the client's. An empty dir is an error. Stdio only.
func WithDir(dir string) Option {
	return func(o *options) error {
		o.onlyFor(familyStdio, "WithDir")
		if dir == "" {
			return optErr("WithDir", "empty directory")
		}
		o.dir = dir
		return nil
	}
}

// WithStderrLimit sets how many bytes of a stdio server's stderr are kept
// (the most recent ones). The default is 64 KiB; n <= 0 is an error. Stdio
// only.
func WithStderrLimit(n int) Option {
	return func(o *options) error {
		o.onlyFor(familyStdio, "WithStderrLimit")
		if n <= 0 {
			return optErr("WithStderrLimit", "limit %d is not positive", n)
		}
		o.stderrLimit = n
		return nil
	}
}

// WithTerminateTimeout sets how long Close waits for a stdio server to exit
// after its stdin is closed before signalling it (SIGTERM, then SIGKILL after
// the same delay). The default is the go-sdk's, 5 s; d <= 0 is an error.
// Stdio only.
func WithTerminateTimeout(d time.Duration) Option {
	return func(o *options) error {
		o.onlyFor(familyStdio, "WithTerminateTimeout")
		if d <= 0 {
			return optErr("WithTerminateTimeout", "duration %s is not positive", d)
		}
		o.terminateTimeout = d
		return nil
	}
}

// isStartErr reports whether err is os/exec's failure to start a command
// (not found, not executable, a missing working directory).
// envPATH returns the PATH of env (KEY=value entries, the last one
// winning, as in os/exec).
func envPATH(env []string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "PATH="); ok {
			return v, true
		}
	}
	return "", false
}

func isStartErr(err error) bool {
	var ee *exec.Error
	var pe *fs.PathError
	return errors.As(err, &ee) || (errors.As(err, &pe) && pe.Op == "fork/exec")
}
