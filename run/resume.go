package run

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mcprun/mcprun/mistral"
)

// ErrNothingToResume is returned by a run continuing a conversation that
// awaits no function result and was given no prompt.
var ErrNothingToResume = errors.New("run: nothing to resume: the conversation awaits no tool call and no prompt was given")

// Resume continues conversation id, typically one a run left with pending
// calls (interrupted, stopped by [WithMaxTurns], failed after the model's
// calls): it reads the conversation, executes the calls that have no result
// yet through the usual path (approval, hooks, continue-on-error,
// parallelism), sends their results and runs to the final answer. It is
// [Runner.Run] with no inputs and [InConversation](id); a run with a prompt
// and InConversation does the same, sending the prompt after the results.
func (r *Runner) Resume(ctx context.Context, id string, opts ...CallOption) (*Result, error) {
	return r.Run(ctx, mistral.Inputs{}, append([]CallOption{InConversation(id)}, opts...)...)
}

// awaiting returns the calls of a conversation's history that await an
// answer: function calls without a function.result, and calls the API holds
// for confirmation. Calls the API itself handles after a confirmation
// (allowed, denied) await nothing from us.
func awaiting(entries mistral.Entries) []*mistral.FunctionCallEntry {
	answered := map[string]bool{}
	for _, e := range entries {
		if fr, ok := e.(*mistral.FunctionResultEntry); ok {
			answered[fr.ToolCallID] = true
		}
	}
	var out []*mistral.FunctionCallEntry
	for _, e := range entries {
		fc, ok := e.(*mistral.FunctionCallEntry)
		if !ok || answered[fc.ToolCallID] {
			continue
		}
		if s := fc.ConfirmationStatus; s == "" || s == "pending" {
			out = append(out, fc)
		}
	}
	return out
}

// prepareResume checks the pending calls of a continued conversation
// against this Runner and the call's deferral, before anything runs.
func prepareResume(s Settings, tt *toolSpecs, id string, pending []*mistral.FunctionCallEntry, call callOptions) error {
	if d := call.deferral; d != nil {
		if err := d.checkTools(tt); err != nil {
			return err
		}
		byID := map[string]bool{}
		for _, c := range pending {
			byID[c.ToolCallID] = true
		}
		var gone []string
		known := map[string]bool{}
		for _, dc := range d.Calls {
			known[dc.ToolCallID] = true
			if !byID[dc.ToolCallID] {
				gone = append(gone, dc.ToolCallID+" ("+dc.Name+")")
			}
		}
		for _, ex := range d.Executed {
			known[ex.ToolCallID] = true
			if !byID[ex.ToolCallID] {
				gone = append(gone, ex.ToolCallID+" ("+ex.Name+")")
			}
		}
		if len(gone) > 0 {
			return fmt.Errorf("%w: conversation %s no longer awaits %s (was this deferral continued already?)", ErrDeferralMismatch, id, strings.Join(gone, ", "))
		}
		var extra []string
		for _, c := range pending {
			if !known[c.ToolCallID] {
				extra = append(extra, c.ToolCallID+" ("+c.Name+")")
			}
		}
		if len(extra) > 0 {
			return fmt.Errorf("%w: conversation %s also awaits %s, which the deferral does not hold", ErrDeferralMismatch, id, strings.Join(extra, ", "))
		}
	}
	if s.ContinueOnError {
		return nil // an unknown tool's call gets an error result the model reads
	}
	var unknown []string
	for _, c := range pending {
		if _, ok := tt.byName[c.Name]; !ok && c.ConfirmationStatus == "" && !slices.Contains(unknown, c.Name) {
			unknown = append(unknown, c.Name)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("run: conversation %s awaits calls to tools this Runner does not have: %s (with continue-on-error they get an error result): %w", id, strings.Join(unknown, ", "), ErrUnknownTool)
	}
	return nil
}

// withPrompt puts the results first, then the inputs given to the run, in
// one append: the API takes any entries as inputs (the TS SDK's
// InputEntries), so a prompt follows the results it comes after.
func withPrompt(results []mistral.Entry, in mistral.Inputs) mistral.Inputs {
	switch {
	case len(results) == 0:
		return in
	case in.Entries != nil:
		return mistral.EntryInputs(append(slices.Clone(results), in.Entries...)...)
	case in.Text != "":
		return mistral.EntryInputs(append(slices.Clone(results), mistral.NewUserMessage(in.Text))...)
	}
	return mistral.EntryInputs(results...)
}

// answer answers the calls of one turn (or a conversation's pending calls,
// turn 0): calls waiting for a decision get it (from the call's decisions,
// or the approver, or the run defers), the others run. It returns the
// function results, in the calls' order, and the tool confirmations for the
// next append. A run that must defer returns a *DeferredError.
func answer(ctx context.Context, s Settings, st Steps, res *Result, tt *toolSpecs, calls []*mistral.FunctionCallEntry, call callOptions, turn int) ([]mistral.Entry, []mistral.ToolCallConfirmation, error) {
	fixed := map[string]string{} // results known without running
	if d := call.deferral; d != nil {
		for _, ex := range d.Executed {
			fixed[ex.ToolCallID] = ex.Result
		}
	}
	var (
		b        = &CallBatch{Turn: turn}
		allow    = map[string]bool{} // confirmations decided, by call
		ask      = map[string]int{}  // calls put to the approver: index in b.Ask
		deferred []DeferredCall
	)
	for _, c := range calls {
		if _, ok := fixed[c.ToolCallID]; ok {
			continue
		}
		reason := needsDecision(tt, c)
		if dec, ok := call.decisions[c.ToolCallID]; ok {
			switch {
			case reason == ReasonServerConfirmation:
				allow[c.ToolCallID] = dec.Allow
			case !dec.Allow:
				fixed[c.ToolCallID] = denied(dec.Message)
				b.Events = append(b.Events, &FunctionResultEvent{ToolCallID: c.ToolCallID, Name: c.Name, Result: fixed[c.ToolCallID]})
			default:
				args, err := mergeArgs(c.Arguments, dec.Arguments)
				if err != nil {
					return nil, nil, fmt.Errorf("run: decision for %s: %w", c.ToolCallID, err)
				}
				cc := *c
				cc.Arguments = args
				b.Calls = append(b.Calls, &cc)
				b.Approved = append(b.Approved, true)
			}
			continue
		}
		if reason == "" {
			b.Calls = append(b.Calls, c)
			b.Approved = append(b.Approved, false)
			continue
		}
		dc := DeferredCall{ToolCallID: c.ToolCallID, Name: c.Name, Arguments: c.Arguments, Reason: reason}
		if reason == ReasonConfirmationRequired {
			dc.Server = tt.byName[c.Name].Server
		}
		b.Events = append(b.Events, &ConfirmationRequiredEvent{Call: dc, Reason: reason})
		switch {
		case !s.Approver:
			deferred = append(deferred, dc)
		case reason == ReasonServerConfirmation:
			ask[c.ToolCallID] = len(b.Ask)
			b.Ask = append(b.Ask, c)
		default:
			// The Steps ask the approver at execution, as for any call.
			b.Calls = append(b.Calls, c)
			b.Approved = append(b.Approved, false)
		}
	}
	ran, err := st.Execute(ctx, b)
	var failure error
	if err == nil {
		if len(ran.Outcomes) != len(b.Calls) || len(ran.Allowed) != len(b.Ask) {
			err = fmt.Errorf("run: %d outcomes and %d decisions for %d calls and %d questions", len(ran.Outcomes), len(ran.Allowed), len(b.Calls), len(b.Ask))
		}
	}
	if err == nil {
		for c, i := range ask {
			allow[c] = ran.Allowed[i]
		}
		for i, c := range b.Calls {
			o := ran.Outcomes[i]
			if o.Err != nil && (o.Fatal || !s.ContinueOnError) {
				// The call stops the run: no result for it; the first names why.
				if failure == nil {
					if o.Cancelled {
						failure = o.Err
					} else {
						failure = &ToolError{Tool: c.Name, ToolCallID: c.ToolCallID, Arguments: c.Arguments, Err: o.Err}
					}
				}
				continue
			}
			fixed[c.ToolCallID] = resultText(c, o)
		}
	}
	results := make([]mistral.Entry, 0, len(calls))
	var conf []mistral.ToolCallConfirmation
	for _, c := range calls {
		if text, ok := fixed[c.ToolCallID]; ok {
			results = append(results, mistral.NewFunctionResult(c.ToolCallID, text))
		}
		if a, ok := allow[c.ToolCallID]; ok {
			conf = append(conf, confirmation(c.ToolCallID, a))
		}
	}
	if err != nil {
		return results, nil, err
	}
	if failure != nil {
		return results, nil, failure
	}
	if len(deferred) > 0 {
		d := &Deferral{Version: deferralVersion, ConversationID: res.ConversationID, Calls: deferred}
		var names []string
		for _, dc := range deferred {
			if dc.Reason == ReasonConfirmationRequired {
				names = append(names, dc.Name)
			}
		}
		for _, c := range calls {
			if text, ok := fixed[c.ToolCallID]; ok {
				d.Executed = append(d.Executed, ExecutedResult{ToolCallID: c.ToolCallID, Name: c.Name, Result: text})
				names = append(names, c.Name)
			}
		}
		d.Tools = tt.fingerprints(names)
		// The results are not sent: they travel in the deferral.
		return nil, nil, &DeferredError{Deferral: d}
	}
	return results, conf, nil
}

func confirmation(id string, allow bool) mistral.ToolCallConfirmation {
	if allow {
		return mistral.ToolCallConfirmation{ToolCallID: id, Confirmation: "allow"}
	}
	return mistral.ToolCallConfirmation{ToolCallID: id, Confirmation: "deny"}
}

// denied is the result the model reads for a denied call.
func denied(reason string) string {
	if reason == "" {
		reason = "not approved"
	}
	return "Tool call denied: " + reason
}
