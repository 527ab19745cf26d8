package mcpclient

import (
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"strings"
)

var (
	// ErrClosed is returned by every method called after [Client.Close].
	ErrClosed = errors.New("mcpclient: client closed")
	// ErrNotConnected is returned by calls made before [Client.Connect].
	ErrNotConnected = errors.New("mcpclient: not connected")
	// ErrToolNotFound is returned by [Client.CallTool] for a name the server
	// does not list.
	ErrToolNotFound = errors.New("mcpclient: tool not found")
	// ErrInvalidTool is returned by [Client.CallTool] for a tool the server
	// lists with an unusable inputSchema; such tools are left out of
	// [Client.Tools].
	ErrInvalidTool = errors.New("mcpclient: tool has an invalid input schema")
	// ErrInvalidArguments is returned by [Client.CallTool] when the
	// arguments are not a JSON object; the tool was not called.
	ErrInvalidArguments = errors.New("mcpclient: arguments are not a JSON object")
	// ErrCallTimeout is matched by the [*ServerError] of a request that ran
	// past the per-call deadline (see [WithCallTimeout]).
	ErrCallTimeout = errors.New("mcpclient: tool call timed out")
	// ErrConnectionLost is wrapped by the [*ServerError] returned when the
	// connection to the server broke (the server exited, the HTTP session
	// expired). A supervisor restarts it; tool calls are never retried.
	ErrConnectionLost = errors.New("connection to the server lost")
)

// stderrInErrors bounds how much of a stdio server's stderr goes into an
// error message.
const stderrInErrors = 2048

// A ServerError reports that an MCP server could not be reached or went
// away. It names the server and, for stdio servers, carries the tail of the
// server's stderr, which usually says why.
type ServerError struct {
	Server string // the client's name
	Op     string // what was being done: "connect", "call tool \"x\"", ...
	Err    error  // the underlying error
	Stderr string // tail of the server's stderr (stdio only; may be empty)
}

// Error implements error.
func (e *ServerError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mcp server %q", e.Server)
	if e.Op != "" {
		b.WriteString(": ")
		b.WriteString(e.Op)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if s := strings.TrimSpace(e.Stderr); s != "" {
		b.WriteString("; stderr: ")
		b.WriteString(s)
	}
	return b.String()
}

// Unwrap returns the underlying error, for errors.Is and errors.As.
func (e *ServerError) Unwrap() error { return e.Err }

// A StartError reports that a stdio server's command could not be started
// (not found, not executable): nothing ran. [Client.Connect] returns it
// inside the [*ServerError] (Op "connect"). Err is os/exec's error, so
// errors.Is(err, exec.ErrNotFound) and errors.Is(err, fs.ErrPermission)
// match.
type StartError struct {
	Command string // as given to NewStdio
	Err     error
}

// Error says which command could not start and why, in one line:
// `starting "foo-mcp": executable file not found in $PATH`.
func (e *StartError) Error() string {
	why := e.Err
	// Their own wording repeats the command: keep only the cause.
	var ee *exec.Error
	var pe *fs.PathError
	switch {
	case errors.As(why, &ee) && ee.Err != nil:
		why = ee.Err
	case errors.As(why, &pe) && pe.Op == "fork/exec" && pe.Err != nil:
		why = pe.Err
	}
	return fmt.Sprintf("starting %q: %v", e.Command, why)
}

// Unwrap returns os/exec's error.
func (e *StartError) Unwrap() error { return e.Err }
