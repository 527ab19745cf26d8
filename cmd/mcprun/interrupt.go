package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// An interruptError is the cause of the CLI's context when a signal
// stopped it: the run's tools are cancelled and its servers stopped, and
// the exit status says which signal (128 + its number, as shells do).
type interruptError struct{ sig os.Signal }

func (e *interruptError) Error() string {
	switch e.sig {
	case syscall.SIGTERM:
		return "terminated (SIGTERM)"
	case os.Interrupt:
		return "interrupted (SIGINT)"
	}
	return "stopped by " + e.sig.String()
}

// exitCode is 130 after SIGINT, 143 after SIGTERM.
func (e *interruptError) exitCode() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// interrupted returns the signal that cancelled ctx, if one did.
func interrupted(ctx context.Context) *interruptError {
	var ie *interruptError
	if errors.As(context.Cause(ctx), &ie) {
		return ie
	}
	return nil
}

// withSignals returns a context cancelled, with an *interruptError cause,
// by the first SIGINT or SIGTERM. A second one means "stop waiting": the
// shutdown (servers that ignore it, a slow grace period) is cut short and
// the process exits at once with the first signal's status.
func withSignals(parent context.Context, stderr func(string)) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		var first *interruptError
		for {
			select {
			case <-done:
				return
			case s := <-ch:
				if first == nil {
					first = &interruptError{sig: s}
					cancel(first)
					continue
				}
				stderr("mcprun: stopping without waiting for the servers")
				killChildren()
				os.Exit(first.exitCode())
			}
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// reportStopped tells how to continue a run that stopped once its
// conversation existed (interrupted, out of turns or time, failed): the
// conversation id and the command that resumes it, on stderr, as one line
// each; with --json, the partial result object on stdout too.
func (a *app) reportStopped(ctx context.Context, f *runFlags, flagArgs []string, res *run.Result, runErr error) {
	if res == nil || res.ConversationID == "" || errors.Is(runErr, run.ErrNothingToResume) {
		return
	}
	var ae *mistral.APIError
	if errors.As(runErr, &ae) && ae.StatusCode == 404 {
		return // no such conversation: nothing to continue
	}
	if f.jsonOut {
		a.printPartialJSON(res, runErr)
	}
	what := "stopped"
	switch {
	case interrupted(ctx) != nil:
		what = "interrupted"
	case errors.Is(runErr, run.ErrRunTimeout):
		what = "timed out"
	}
	if n := len(res.Pending); n > 0 {
		fmt.Fprintf(a.stderr, "mcprun: %s; conversation %s awaits %d tool call(s). Resume with:\n", what, res.ConversationID, n)
	} else {
		fmt.Fprintf(a.stderr, "mcprun: %s; conversation %s. Continue with:\n", what, res.ConversationID)
	}
	cmd := "run"
	if f.command != "" {
		cmd = f.command
	}
	fmt.Fprintf(a.stderr, "  %s\n", resumeCommand(cmd, flagArgs, res.ConversationID))
}

// printPartialJSON prints what --json prints for a finished run, with the
// pending calls and the error: {"conversation_id", "output_entries",
// "pending_calls", "error"}.
func (a *app) printPartialJSON(res *run.Result, runErr error) {
	pending := make([]*mistral.FunctionCallEntry, 0, len(res.Pending))
	pending = append(pending, res.Pending...)
	entries := res.OutputEntries
	if entries == nil {
		entries = mistral.Entries{}
	}
	out := struct {
		ConversationID string                       `json:"conversation_id"`
		OutputEntries  mistral.Entries              `json:"output_entries"`
		PendingCalls   []*mistral.FunctionCallEntry `json:"pending_calls"`
		Error          string                       `json:"error"`
	}{res.ConversationID, entries, pending, oneLine(runErr.Error())}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

// resumeCommand is the command line that continues conversation id: the
// run's own flags (without --conversation, --defer or the prompt), then
// --conversation ID, each word quoted for a POSIX shell.
func resumeCommand(cmd string, flagArgs []string, id string) string {
	words := []string{"mcprun", cmd}
	words = append(words, withoutFlags(flagArgs, map[string]bool{"conversation": true}, map[string]bool{"defer": true})...)
	if cmd == "approve" {
		words = append(words, id)
	} else {
		words = append(words, "--conversation", id)
	}
	for i, w := range words {
		words[i] = shellQuote(w)
	}
	return strings.Join(words, " ")
}

// withoutFlags drops the flags named in valued (which take a value, given
// as -f=v or -f v) and in bools (given as -f or -f=v) from args.
func withoutFlags(args []string, valued, bools map[string]bool) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") {
			out = append(out, a)
			continue
		}
		switch {
		case valued[name]:
			if !hasValue {
				i++ // skip its value
			}
		case bools[name]:
		default:
			out = append(out, a)
		}
	}
	return out
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,@+%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
