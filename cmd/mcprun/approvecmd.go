package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/mcprun/mcprun/internal/atomicfile"
	"github.com/mcprun/mcprun/run"
)

// errDeferred ends a run stopped at calls that wait for `mcprun approve`
// (exit status 3): not a failure, not an answer yet.
var errDeferred = errors.New("tool calls wait for approval")

// conversationID is what a conversation id may be to name a state file.
var conversationID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// deferralDir is where `run --defer` keeps the state `approve` reads:
// $XDG_STATE_HOME/mcprun/deferred, else ~/.local/state/mcprun/deferred.
func (a *app) deferralDir() (string, error) {
	if d := a.getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mcprun", "deferred"), nil
	}
	home := a.getenv("HOME")
	if home == "" {
		return "", errors.New("cannot keep the deferred calls: neither XDG_STATE_HOME nor HOME is set")
	}
	return filepath.Join(home, ".local", "state", "mcprun", "deferred"), nil
}

func (a *app) deferralPath(id string) (string, error) {
	if !conversationID.MatchString(id) {
		return "", fmt.Errorf("%q is not a conversation id", id)
	}
	dir, err := a.deferralDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, id+".json"), nil
}

// saveDeferral keeps the state of a run stopped at calls that wait, and
// says how to approve or deny them.
func (a *app) saveDeferral(f *runFlags, res *run.Result, de *run.DeferredError) error {
	d := de.Deferral
	path, err := a.deferralPath(d.ConversationID)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, b); err != nil {
		return fmt.Errorf("saving the deferred calls: %w", err)
	}
	if f.jsonOut {
		a.printPartialJSON(res, de)
	}
	fmt.Fprintf(a.stderr, "mcprun: %d tool call(s) wait for approval in conversation %s:\n", len(d.Calls), d.ConversationID)
	for _, c := range d.Calls {
		where := ""
		if c.Server != "" {
			where = " (" + c.Server + ")"
		} else if c.Reason == run.ReasonServerConfirmation {
			where = " (held by the API)"
		}
		fmt.Fprintf(a.stderr, "  %s  %s%s %s\n", c.ToolCallID, c.Name, where, clip(c.Arguments, 200))
	}
	fmt.Fprintf(a.stderr, "Approve them with:\n  %s\n", resumeCommand("approve", f.flagArgs, d.ConversationID))
	fmt.Fprintf(a.stderr, "(deny one with --deny CALL_ID [--reason TEXT]; saved in %s)\n", path)
	return errDeferred
}

// approveCmd continues a run saved by `run --defer`: every waiting call
// is allowed, but those named by --deny.
func (a *app) approveCmd(ctx context.Context, args []string) error {
	var f runFlags
	fs := f.register(a, "approve")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: mcprun approve [run flags] [--deny CALL_ID]... [--reason TEXT] CONVERSATION_ID\n\n"+
			"Continues a run that `mcprun run --defer` stopped: the waiting tool calls are allowed,\n"+
			"but those denied, whose result tells the model --reason. Give the run's flags again\n"+
			"(the same servers): the command `run --defer` printed does. Exit status 3: calls wait again.\n"+
			"A durable run (its worker started with --defer): mcprun approve --temporal HOST:PORT\n"+
			"[--deny CALL_ID [--reason TEXT]]... ID, with the workflow ID run --temporal printed.\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), "\nExample:\n  %s\n", commandExamples["approve"])
	}
	var deny []string
	fs.Func("deny", "deny the call of this `CALL_ID` (repeatable)", func(s string) error {
		if s == "" {
			return errors.New("empty call id")
		}
		deny = append(deny, s)
		return nil
	})
	reason := fs.String("reason", "the user denied it", "what the model is told about the denied calls")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	if f.deferCalls || f.confirm || f.conversation != "" {
		return errors.New("approve: --defer, --confirm and --conversation are run flags; give the conversation id as the argument")
	}
	id := fs.Arg(0)
	path, err := a.deferralPath(id)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no calls wait for approval in conversation %s (nothing saved in %s)", id, path)
	}
	if err != nil {
		return err
	}
	var d run.Deferral
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	denied := map[string]bool{}
	for _, c := range deny {
		denied[c] = true
	}
	var decisions []run.Decision
	for _, c := range d.Calls {
		if denied[c.ToolCallID] {
			decisions = append(decisions, run.Reject(c.ToolCallID, *reason))
			delete(denied, c.ToolCallID)
		} else {
			decisions = append(decisions, run.Approve(c.ToolCallID))
		}
	}
	if len(denied) > 0 {
		var ids []string
		for _, c := range d.Calls {
			ids = append(ids, c.ToolCallID)
		}
		var unknown []string
		for c := range denied {
			unknown = append(unknown, c)
		}
		return fmt.Errorf("--deny %s: not a waiting call (waiting: %s)", strings.Join(unknown, ", "), strings.Join(ids, ", "))
	}
	// A later deferral (new calls that wait) is saved under the same flags.
	f.flagArgs = withoutFlags(args[:len(args)-fs.NArg()], map[string]bool{"deny": true, "reason": true}, nil)
	f.deferCalls = true // the continued run defers again rather than ask
	// Claim the state, so that two approvals at once cannot both run the
	// calls: the second finds nothing.
	claimed := path + ".approving"
	if err := os.Rename(path, claimed); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("no calls wait for approval in conversation %s (another approve took them)", id)
		}
		return err
	}
	err = a.execRunWith(ctx, &f, "", nil, []run.CallOption{run.WithDecisions(&d, decisions...)})
	switch {
	case err == nil, errors.Is(err, errDeferred): // done, or saveDeferral wrote the new state
		os.Remove(claimed)
		return err
	}
	// Put it back: approve again later (the conversation is read first, so
	// calls answered meanwhile are not run twice).
	if rerr := os.Rename(claimed, path); rerr != nil {
		return errors.Join(err, rerr)
	}
	if errors.Is(err, run.ErrDeferralMismatch) {
		return fmt.Errorf("%w; remove %s to give up on it", err, path)
	}
	return err
}
