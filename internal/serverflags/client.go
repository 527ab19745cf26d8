package serverflags

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/mcprun/mcprun/internal/lookpath"
	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/mcpclient"
)

// DefaultMaxTotalTimeout caps a tool call that progress keeps alive (an
// entry's resetTimeoutOnProgress) when the entry gives no maxTotalTimeout.
const DefaultMaxTotalTimeout = 10 * time.Minute

// Options are the client options that a server's entry sets: its name,
// its bound on each tool call (callTimeout unless the entry gives one), on
// starting (startupTimeout) and progress restarting a call's bound
// (resetTimeoutOnProgress, up to maxTotalTimeout).
func Options(s mcpconfig.Server, callTimeout time.Duration) []mcpclient.Option {
	timeout := callTimeout
	if s.Timeout > 0 {
		timeout = s.Timeout
	}
	opts := []mcpclient.Option{mcpclient.WithName(s.Name), mcpclient.WithCallTimeout(timeout)}
	if s.StartupTimeout > 0 {
		opts = append(opts, mcpclient.WithConnectTimeout(s.StartupTimeout))
	}
	if s.ResetTimeoutOnProgress {
		limit := s.MaxTotalTimeout
		if limit == 0 {
			limit = max(DefaultMaxTotalTimeout, timeout)
		}
		opts = append(opts, mcpclient.WithResetTimeoutOnProgress(limit))
	}
	return opts
}

// Stdio says how a stdio server is started.
type Stdio struct {
	// TerminateTimeout, when positive, is how long the server gets after
	// its stdin closes, and again after SIGTERM, before it is killed.
	TerminateTimeout time.Duration
	// Wrap, when not nil, is the command actually run for the server's
	// (mcprun runs it under its supervisor).
	Wrap func(command string, args []string) (string, []string)
}

// New makes the client of s with opts (see [Options]), adding the options
// of its transport: a stdio server's environment, folder and stop; a
// remote server's headers and transport. A bare URL (mcpconfig.Auto,
// headers or not: Cursor writes SSE servers so) is tried as Streamable
// HTTP, then SSE.
func New(s mcpconfig.Server, stdio Stdio, opts ...mcpclient.Option) (*mcpclient.Client, error) {
	if s.Transport == mcpconfig.Stdio {
		opts = append(opts, mcpclient.WithEnv(s.Env))
		if s.InheritEnv {
			opts = append(opts, mcpclient.WithInheritEnv())
		}
		if s.Cwd != "" {
			opts = append(opts, mcpclient.WithDir(s.Cwd))
		}
		if stdio.TerminateTimeout > 0 {
			opts = append(opts, mcpclient.WithTerminateTimeout(stdio.TerminateTimeout))
		}
		command, args := s.Command, s.Args
		if stdio.Wrap != nil && startable(s) {
			// A command that cannot start is started as it is: its
			// Connect then fails with mcpclient's one line (`starting
			// "foo-mcp": executable file not found in $PATH`) rather
			// than with the EOF of a wrapper that could not start it.
			command, args = stdio.Wrap(command, args)
		}
		return mcpclient.NewStdio(command, args, opts...)
	}
	switch s.Transport {
	case mcpconfig.SSE:
		opts = append(opts, mcpclient.WithHTTPTransport(mcpclient.SSE))
	case mcpconfig.HTTP:
		opts = append(opts, mcpclient.WithHTTPTransport(mcpclient.Streamable))
	}
	if len(s.Headers) > 0 {
		opts = append(opts, mcpclient.WithHeaders(s.Headers))
	}
	return mcpclient.NewHTTP(s.URL, opts...)
}

// startable reports whether s's command can be started as os/exec would
// find it: a bare name on PATH, a path to an executable file (relative to
// s.Cwd, which must exist). A bare name is looked up on the server's own
// PATH when it has one.
func startable(s mcpconfig.Server) bool {
	if s.Cwd != "" {
		if fi, err := os.Stat(s.Cwd); err != nil || !fi.IsDir() {
			return false
		}
	}
	if !strings.ContainsRune(s.Command, filepath.Separator) && !strings.ContainsRune(s.Command, '/') {
		if path, own := s.Env["PATH"]; own {
			_, err := lookpath.In(s.Command, path) // as the wrapper will look it up
			return err == nil
		}
		_, err := exec.LookPath(s.Command)
		return err == nil
	}
	p := s.Command
	if !filepath.IsAbs(p) && s.Cwd != "" {
		p = filepath.Join(s.Cwd, p)
	}
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && (runtime.GOOS == "windows" || fi.Mode()&0o111 != 0)
}
