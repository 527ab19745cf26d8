package run

import (
	"errors"
	"fmt"

	"github.com/mcprun/mcprun/internal/trunc"
)

var (
	// ErrUnknownTool is wrapped by the error of a call naming a tool the run
	// does not declare.
	ErrUnknownTool = errors.New("unknown tool")
	// ErrInvalidArguments is wrapped by the error of a call whose arguments
	// are not valid JSON or do not match the tool's schema.
	ErrInvalidArguments = errors.New("invalid arguments")
	// ErrToolTimeout is wrapped by the error of a Go function that ran past
	// its timeout (see [WithFunctionTimeout]).
	ErrToolTimeout = errors.New("tool call timed out")
	// ErrToolPanic is wrapped by the error of a Go function that panicked.
	ErrToolPanic = errors.New("tool panicked")
	// ErrDuplicateTool is returned when two tools would reach the model under
	// the same name; a prefix (see [Prefix]) resolves it.
	ErrDuplicateTool = errors.New("run: two tools have the same name")
	// ErrClosed is returned by runs started after [Runner.Close].
	ErrClosed = errors.New("run: runner closed")
)

// A ToolError reports a tool call that failed while continue-on-error was off
// (see [WithContinueOnError]): the run stopped there. Err says why and
// matches [ErrUnknownTool], [ErrInvalidArguments], [ErrToolTimeout],
// [ErrToolPanic] or the function's own error.
type ToolError struct {
	Tool       string // the name the model called
	ToolCallID string
	Arguments  string // as the model sent them
	Err        error
}

// Error implements error.
func (e *ToolError) Error() string {
	return fmt.Sprintf("run: tool %q failed: %v", e.Tool, e.Err)
}

// Unwrap returns the underlying error, for errors.Is and errors.As.
func (e *ToolError) Unwrap() error { return e.Err }

// A MaxTurnsError reports a run stopped because the model kept calling tools
// past the bound set with [WithMaxTurns]. The calls of the last turn are not
// executed: they stay pending in the conversation (Pending, and
// [Result.Pending]), and [Runner.Resume] with a larger bound answers them.
type MaxTurnsError struct {
	Turns   int
	Pending int // calls of the last turn left unanswered
}

// Error implements error.
func (e *MaxTurnsError) Error() string {
	if e.Pending > 0 {
		return fmt.Sprintf("run: no final answer after %d model turns; %d tool call(s) left pending", e.Turns, e.Pending)
	}
	return fmt.Sprintf("run: no final answer after %d model turns", e.Turns)
}

// ErrRunTimeout is the cause of a run that ran past [WithRunTimeout]; the
// run's error wraps it and context.DeadlineExceeded.
var ErrRunTimeout = errors.New("run: the run took longer than its timeout")

// An OutputError reports a final answer that is not the structured output
// asked for: not JSON, not matching the output schema (Err is then a
// [*SchemaViolation] naming the first violation; the run returns it with its
// Result), or not decoding into [OutputAs]'s type. Text is the model's answer
// as it came.
type OutputError struct {
	Text string
	Err  error
}

// Error implements error.
func (e *OutputError) Error() string {
	t := trunc.Cut(e.Text, 200, "…")
	return fmt.Sprintf("run: the answer is not the structured output asked for: %v (answer: %q)", e.Err, t)
}

// Unwrap returns the underlying error, for errors.Is and errors.As.
func (e *OutputError) Unwrap() error { return e.Err }
