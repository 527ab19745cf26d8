package temporal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/mcprun/mcprun/internal/trunc"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// maxEvents bounds the events the progress query keeps.
const maxEvents = 256

// cancelledResult is what the model reads for a call left pending by a
// cancelled run.
const cancelledResult = "Cancelled: the run was cancelled before this call was answered."

// Workflow is the durable run, registered as "mcprun.Run": [run.Loop] with
// activities for its I/O. A run that fails completes with an [Outcome]
// saying why; calls waiting for a decision wait for an [Approval] (the
// "approve" Update); the "progress" query answers a [Progress].
func Workflow(ctx workflow.Context, in RunInput) (*Outcome, error) {
	w := &wf{in: in, policy: in.Policy.withDefaults(), prog: Progress{Status: "running", ConversationID: in.ConversationID}}
	if c := in.Carried; c != nil {
		w.prog.Turns = c.Turns
	}
	if err := workflow.SetQueryHandler(ctx, ProgressQuery, func() (Progress, error) {
		p := w.prog
		p.Events = append([]ProgressEvent(nil), w.prog.Events...)
		p.Texts = append([]TurnText(nil), w.prog.Texts...)
		return p, nil
	}); err != nil {
		return nil, err
	}
	if in.Timeout > 0 {
		// The run's bound holds across continue-as-new: the first segment
		// fixes the deadline, the next ones carry it.
		deadline := workflow.Now(ctx).Add(in.Timeout)
		if c := in.Carried; c != nil && !c.Deadline.IsZero() {
			deadline = c.Deadline
		}
		w.deadline = deadline
		var cancel workflow.CancelFunc
		ctx, cancel = workflow.WithCancel(ctx)
		workflow.Go(ctx, func(gctx workflow.Context) {
			if workflow.NewTimer(gctx, deadline.Sub(workflow.Now(gctx))).Get(gctx, nil) == nil {
				w.timedOut = true
				cancel()
			}
		})
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, ApproveUpdate, func(ctx workflow.Context, a Approval) error {
		w.approval = &a
		return nil
	}, workflow.UpdateHandlerOptions{Validator: w.validate}); err != nil {
		return nil, err
	}
	return w.run(ctx)
}

// wf is one workflow run's state.
type wf struct {
	in       RunInput
	policy   RunPolicy
	prog     Progress
	seq      int
	deferral *run.Deferral // the calls waiting for an approval
	approval *Approval
	executed map[string]string // results of calls that ran before a deferral
	deadline time.Time         // RunInput.Timeout's, if any
	timedOut bool
}

// Bounds of Progress.Texts: the query answers them at once.
const (
	maxTexts    = 8
	maxTurnText = 64 << 10
)

// text keeps the text a turn answered with, for clients that stream it.
func (w *wf) text(turn int, outputs mistral.Entries) {
	t := outputText(outputs)
	if t == "" {
		return
	}
	if len(t) > maxTurnText {
		t = trunc.Cut(t, maxTurnText, "…")
	}
	w.prog.Texts = append(w.prog.Texts, TurnText{Turn: turn, Text: t})
	if n := len(w.prog.Texts); n > maxTexts {
		w.prog.Texts = append([]TurnText(nil), w.prog.Texts[n-maxTexts:]...)
	}
}

// outputText is the text of a turn's messages as it streams: their text
// chunks, without markers for files or references.
func outputText(outputs mistral.Entries) string {
	var b strings.Builder
	for _, e := range outputs {
		if m, ok := e.(*mistral.MessageOutputEntry); ok {
			b.WriteString(m.Content.Text)
			for _, c := range m.Content.Chunks {
				if tc, ok := c.(*mistral.TextChunk); ok {
					b.WriteString(tc.Text)
				}
			}
		}
	}
	return b.String()
}

// maxEventText bounds an event's arguments and text: the query answers
// the last maxEvents of them at once.
const maxEventText = 1 << 10

func (w *wf) event(e ProgressEvent) {
	e.Arguments, e.Text = clip(e.Arguments), clip(e.Text)
	w.seq++
	e.Seq = w.seq
	w.prog.Events = append(w.prog.Events, e)
	if n := len(w.prog.Events); n > maxEvents {
		w.prog.Events = append([]ProgressEvent(nil), w.prog.Events[n-maxEvents:]...)
	}
}

// validate refuses an approval the run does not wait for.
func (w *wf) validate(_ workflow.Context, a Approval) error {
	if w.deferral == nil || w.approval != nil {
		return errors.New("mcprun: the run awaits no approval")
	}
	waiting := map[string]bool{}
	for _, c := range w.deferral.Calls {
		waiting[c.ToolCallID] = true
	}
	seen := map[string]bool{}
	for _, d := range a.Decisions {
		if !waiting[d.ToolCallID] {
			return fmt.Errorf("mcprun: %q is not a call waiting for approval", d.ToolCallID)
		}
		if seen[d.ToolCallID] {
			return fmt.Errorf("mcprun: two decisions for %q", d.ToolCallID)
		}
		seen[d.ToolCallID] = true
	}
	if len(seen) != len(waiting) {
		return fmt.Errorf("mcprun: %d call(s) wait for a decision, %d given", len(waiting), len(seen))
	}
	return nil
}

func (w *wf) run(ctx workflow.Context) (*Outcome, error) {
	in := w.in
	s := in.Settings
	s.Approver = false // approvals come through the Update
	var opts []run.CallOption
	if in.ConversationID != "" {
		opts = append(opts, run.InConversation(in.ConversationID))
	}
	maxTurns := s.MaxTurns
	if maxTurns == 0 {
		maxTurns = run.DefaultMaxTurns
	}
	if in.TurnLimit > 0 {
		maxTurns = in.TurnLimit
		opts = append(opts, run.TurnLimit(in.TurnLimit))
	}
	var all *run.Result // the segments so far (a deferral splits a run)
	if c := in.Carried; c != nil {
		all = &run.Result{InputEntries: c.InputEntries, Turns: c.Turns, Usage: c.Usage}
	}
	inputs := in.Inputs
	for {
		st := &wfSteps{w: w, ctx: ctx}
		res, err := run.Loop(context.Background(), s, st, inputs, opts...)
		if res == nil {
			return &Outcome{Error: &RunError{Kind: KindOther, Message: err.Error()}}, nil
		}
		var can *continueAsNew
		if errors.As(err, &can) {
			res.Turns-- // the turn that was not sent
			all = merge(all, res)
			next := in
			next.Inputs, next.ConversationID = can.inputs, res.ConversationID
			next.TurnLimit = max(maxTurns-res.Turns, 1)
			next.Carried = &Carried{Turns: all.Turns, Usage: all.Usage, InputEntries: all.InputEntries, Deadline: w.deadline}
			return nil, workflow.NewContinueAsNewError(ctx, WorkflowName, next)
		}
		all = merge(all, res)
		w.prog.ConversationID = all.ConversationID
		if ctx.Err() != nil {
			return w.cancelled(ctx, all), nil
		}
		var de *run.DeferredError
		if errors.As(err, &de) {
			w.deferral, w.prog.Deferral, w.prog.Status = de.Deferral, de.Deferral, "awaiting approval"
			for _, c := range de.Deferral.Calls {
				w.event(ProgressEvent{Kind: "confirmation_required", ToolCallID: c.ToolCallID, Name: c.Name, Arguments: c.Arguments})
			}
			if err := workflow.Await(ctx, func() bool { return w.approval != nil }); err != nil {
				w.deferral, w.prog.Deferral = nil, nil
				w.executed = map[string]string{}
				for _, ex := range de.Deferral.Executed {
					w.executed[ex.ToolCallID] = ex.Result // they ran: their results, not "cancelled"
				}
				return w.cancelled(ctx, all), nil
			}
			decisions := w.approval.Decisions
			w.deferral, w.approval, w.prog.Deferral, w.prog.Status = nil, nil, nil, "running"
			opts = []run.CallOption{run.WithDecisions(de.Deferral, decisions...)}
			if in.TurnLimit > 0 {
				opts = append(opts, run.TurnLimit(in.TurnLimit))
			}
			inputs = mistral.Inputs{}
			continue
		}
		w.prog.Status = "done"
		return &Outcome{Result: all, Error: runError(err)}, nil
	}
}

// merge adds a segment of the run to the ones before.
func merge(all, seg *run.Result) *run.Result {
	if all == nil {
		return seg
	}
	if all.InputEntries == nil {
		all.InputEntries = seg.InputEntries
	}
	all.ConversationID = seg.ConversationID
	all.OutputEntries = append(all.OutputEntries, seg.OutputEntries...)
	all.Usage = all.Usage.Add(seg.Usage)
	all.Turns += seg.Turns
	all.Files = append(all.Files, seg.Files...)
	all.Pending = seg.Pending
	return all
}

// cancelled answers the calls the run left pending as cancelled (so that
// the conversation awaits nothing) and ends the run.
func (w *wf) cancelled(ctx workflow.Context, res *run.Result) *Outcome {
	w.prog.Status = "cancelling"
	if len(res.Pending) > 0 && res.ConversationID != "" {
		dctx, _ := workflow.NewDisconnectedContext(ctx)
		results := make([]mistral.Entry, len(res.Pending))
		for i, c := range res.Pending {
			text, ran := w.executed[c.ToolCallID]
			if !ran {
				text = cancelledResult
			}
			results[i] = mistral.NewFunctionResult(c.ToolCallID, text)
		}
		t := &run.Turn{Number: res.Turns + 1, ConversationID: res.ConversationID, Append: &mistral.AppendRequest{Inputs: mistral.EntryInputs(results...), Store: w.in.Settings.Store}}
		var out run.TurnOutput
		if err := workflow.ExecuteActivity(w.turnOptions(dctx), TurnActivity, turnInput{Turn: t, CheckHistory: true}).Get(dctx, &out); err == nil {
			res.OutputEntries = append(append(res.OutputEntries, results...), out.Outputs...)
			res.Pending = nil
		}
	}
	w.prog.Status = "done"
	if w.timedOut {
		return &Outcome{Result: res, Error: &RunError{Kind: KindTimeout, Message: fmt.Sprintf("%v (%v)", run.ErrRunTimeout, w.in.Timeout), Turns: res.Turns, Pending: len(res.Pending)}}
	}
	return &Outcome{Result: res, Error: &RunError{Kind: KindCancelled, Message: "run: cancelled", Turns: res.Turns, Pending: len(res.Pending)}}
}

func runError(err error) *RunError {
	if err == nil {
		return nil
	}
	re := &RunError{Kind: KindOther, Message: err.Error()}
	var te *run.ToolError
	var me *run.MaxTurnsError
	var oe *run.OutputError
	switch {
	case errors.As(err, &te):
		re.Kind, re.Tool, re.ToolCallID = KindTool, te.Tool, te.ToolCallID
	case errors.As(err, &me):
		re.Kind, re.Turns, re.Pending = KindMaxTurns, me.Turns, me.Pending
	case errors.As(err, &oe):
		re.Kind, re.Cause = KindOutput, oe.Err.Error()
	}
	return re
}

// continueAsNew stops a run at a turn boundary: the next segment sends
// inputs.
type continueAsNew struct{ inputs mistral.Inputs }

func (*continueAsNew) Error() string { return "mcprun: continuing as new" }

func (w *wf) turnOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: w.policy.TurnTimeout,
		HeartbeatTimeout:    w.policy.TurnHeartbeat,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second, MaximumAttempts: 10,
		},
	})
}

// wfSteps are run.Steps as activities. The context.Context Loop passes is
// not used: the workflow's context is.
type wfSteps struct {
	w          *wf
	ctx        workflow.Context
	atMostOnce map[string]bool
	listed     map[string]bool
	turns      int // turns sent by this segment
}

func (s *wfSteps) ListTools(context.Context) (*run.ToolList, error) {
	// A local activity: the workflow's own worker lists its tools (cached
	// by its MCP clients), without a round trip through the server; the
	// list is recorded all the same, so a replay sees the same tools.
	ctx := workflow.WithLocalActivityOptions(s.ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second, MaximumAttempts: 10},
	})
	var out toolsResult
	if err := workflow.ExecuteLocalActivity(ctx, ListToolsActivity).Get(ctx, &out); err != nil {
		return nil, fmt.Errorf("listing tools: %w", err)
	}
	s.atMostOnce, s.listed = map[string]bool{}, map[string]bool{}
	for _, n := range out.AtMostOnce {
		s.atMostOnce[n] = true
	}
	for _, ti := range out.List.Tools {
		s.listed[ti.Name] = true
	}
	return &out.List, nil
}

func (s *wfSteps) History(_ context.Context, id string) (mistral.Entries, error) {
	ctx := workflow.WithActivityOptions(s.ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 2 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second, MaximumAttempts: 10},
	})
	var out mistral.Entries
	err := workflow.ExecuteActivity(ctx, HistoryActivity, id).Get(ctx, &out)
	return out, err
}

func (s *wfSteps) Turn(_ context.Context, t *run.Turn) (*run.TurnOutput, error) {
	w := s.w
	if t.Append != nil && len(t.Append.ToolConfirmations) == 0 && s.turns > 0 &&
		(s.turns >= w.policy.ContinueAsNewAfter || workflow.GetInfo(s.ctx).GetContinueAsNewSuggested()) {
		return nil, &continueAsNew{inputs: t.Append.Inputs}
	}
	s.turns++
	w.prog.Turns++
	w.event(ProgressEvent{Kind: "turn", Turn: w.prog.Turns})
	ctx := w.turnOptions(s.ctx)
	var out run.TurnOutput
	if err := workflow.ExecuteActivity(ctx, TurnActivity, turnInput{Turn: t, Shown: w.prog.Turns}).Get(ctx, &out); err != nil {
		return nil, unwrapActivity(err)
	}
	w.prog.ConversationID = out.ConversationID
	w.text(w.prog.Turns, out.Outputs)
	return &out, nil
}

func (s *wfSteps) Execute(_ context.Context, b *run.CallBatch) (*run.CallResults, error) {
	w := s.w
	for _, ev := range b.Events {
		if e, ok := ev.(*run.FunctionResultEvent); ok {
			w.event(ProgressEvent{Kind: "tool.result", ToolCallID: e.ToolCallID, Name: e.Name, Text: e.Result})
		}
	}
	futures := make([]workflow.Future, len(b.Calls))
	for i, c := range b.Calls {
		w.event(ProgressEvent{Kind: "tool.started", Turn: b.Turn, ToolCallID: c.ToolCallID, Name: c.Name, Arguments: c.Arguments})
		futures[i] = s.call(c, "call-"+c.ToolCallID)
	}
	out := &run.CallResults{Allowed: make([]bool, len(b.Ask)), Outcomes: make([]run.CallOutcome, len(b.Calls))}
	for i, f := range futures {
		c := b.Calls[i]
		var r callResult
		err := f.Get(s.ctx, &r)
		for n := 2; isMissingTool(err) && s.ctx.Err() == nil; n++ {
			// No worker here has the tool: wait for one that has.
			w.prog.Status = fmt.Sprintf("waiting for a worker with tool %s", c.Name)
			if workflow.Sleep(s.ctx, 5*time.Second) != nil {
				break
			}
			err = s.call(c, fmt.Sprintf("call-%s-%d", c.ToolCallID, n)).Get(s.ctx, &r)
			w.prog.Status = "running"
		}
		o := &out.Outcomes[i]
		switch {
		case s.ctx.Err() != nil:
			return nil, s.ctx.Err()
		case err == nil && r.Err != "":
			o.Err = errors.New(r.Err)
		case err == nil:
			o.Text = r.Text
		case s.atMostOnce[c.Name]:
			// It may have run: it is not run again, and the model is told.
			o.Text = fmt.Sprintf("The outcome of this call is unknown: it failed (%v) and may or may not have taken effect. It was not retried because %s may not be safe to run twice; check before calling it again.", unwrapActivity(err), c.Name)
		default:
			o.Err = fmt.Errorf("the call failed after %d attempt(s): %w", w.policy.CallAttempts, unwrapActivity(err))
		}
		w.event(ProgressEvent{Kind: "tool.result", ToolCallID: c.ToolCallID, Name: c.Name, Text: resultText(c, *o), Error: o.Err != nil})
	}
	return out, nil
}

// call schedules the activity of one call.
func (s *wfSteps) call(c *mistral.FunctionCallEntry, activityID string) workflow.Future {
	w := s.w
	attempts := int32(w.policy.CallAttempts)
	if s.atMostOnce[c.Name] {
		attempts = 1
	}
	ctx := workflow.WithActivityOptions(s.ctx, workflow.ActivityOptions{
		ActivityID:          activityID,
		StartToCloseTimeout: w.policy.CallTimeout,
		HeartbeatTimeout:    w.policy.CallHeartbeat,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second, MaximumAttempts: attempts},
	})
	return workflow.ExecuteActivity(ctx, CallActivity, callInput{Call: c, Listed: s.listed[c.Name]})
}

func isMissingTool(err error) bool {
	var ae *temporal.ApplicationError
	return errors.As(err, &ae) && ae.Type() == missingTool
}

func resultText(c *mistral.FunctionCallEntry, o run.CallOutcome) string {
	if o.Err != nil {
		return fmt.Sprintf("Error while executing %s: %v", c.Name, o.Err)
	}
	return o.Text
}

// unwrapActivity returns the cause of an activity's failure: the error the
// activity returned, or the timeout.
func unwrapActivity(err error) error {
	var ae *temporal.ActivityError
	if errors.As(err, &ae) {
		if cause := errors.Unwrap(ae); cause != nil {
			var te *temporal.TimeoutError
			var app *temporal.ApplicationError
			switch {
			case errors.As(cause, &te):
				return fmt.Errorf("the worker running it stopped responding (%s timeout)", te.TimeoutType())
			case errors.As(cause, &app):
				return errors.New(app.Message()) // without Temporal's type and retry notes
			}
			return cause
		}
	}
	return err
}

func clip(s string) string {
	if len(s) <= maxEventText {
		return s
	}
	for i := maxEventText; i > maxEventText-4; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return s[:maxEventText] + "…"
}
