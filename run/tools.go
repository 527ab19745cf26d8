package run

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
)

// A ToolCall is one function call of the model, as hooks see it.
type ToolCall struct {
	ID        string          // tool_call_id
	Name      string          // the name the model called
	Arguments json.RawMessage // as the model sent them (may be invalid JSON)
	Server    string          // the MCP client's name; "" for a Go function or an unknown tool
	// Annotations are the MCP tool's hints (read-only, destructive,
	// idempotent, open-world), for approval hooks; nil for Go functions and
	// for tools that give none. They are the server's claims, not guarantees.
	Annotations *mcp.ToolAnnotations
}

// A ToolOutcome is how a tool call ended, as hooks see it.
type ToolOutcome struct {
	Result   string // the text sent back to the model
	Err      error  // the failure, if the call failed
	Denied   bool   // the approval hook denied the call
	Duration time.Duration
}

// Hooks are callbacks around each tool call. They run on the goroutine of
// the call, so concurrently for the calls of one turn.
type Hooks struct {
	OnToolStart func(ctx context.Context, call ToolCall)
	OnToolEnd   func(ctx context.Context, call ToolCall, out ToolOutcome)
}

// ToolStartedEvent is yielded by [Runner.Stream] when a local tool call
// starts.
type ToolStartedEvent struct {
	ToolCallID string
	Name       string
	Arguments  string
}

// EventType implements mistral.Event.
func (*ToolStartedEvent) EventType() string { return "tool.started" }

// FunctionResultEvent is yielded by [Runner.Stream] for each local result,
// as the reference SDK does.
type FunctionResultEvent struct {
	ToolCallID string
	Name       string
	Result     string
	Err        error // the failure behind an error result, if any
}

// EventType implements mistral.Event.
func (*FunctionResultEvent) EventType() string { return mistral.EntryTypeFunctionResult }

// execCalls runs the calls of one turn, at most r.cfg.parallelism at once,
// and returns their outcomes in the calls' order. emit, if not nil, receives
// start and result events; it is only called from this goroutine. A
// consumer that stops iterating gives errStopped.
//
// approved tells calls already decided (WithDecisions): the approver is not
// asked again.
func (r *Runner) execCalls(ctx context.Context, tt *toolTable, calls []*mistral.FunctionCallEntry, approved []bool, emit func(mistral.Event) bool) ([]CallOutcome, error) {
	if len(calls) == 1 && r.cfg.elicitor == nil {
		return r.execOne(ctx, tt, calls[0], len(approved) > 0 && approved[0], emit)
	}
	outcomes := make([]CallOutcome, len(calls))
	type note struct {
		i     int
		start bool
	}
	notes := make(chan note, 2*len(calls))
	sem := make(chan struct{}, r.cfg.parallelism)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for i, call := range calls {
		go func() {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				outcomes[i] = CallOutcome{Err: ctx.Err(), Fatal: true}
				notes <- note{i: i}
				return
			}
			defer func() { <-sem }()
			notes <- note{i: i, start: true}
			outcomes[i] = r.execCall(ctx, tt, call, i < len(approved) && approved[i])
			notes <- note{i: i}
		}()
	}
	stopped := false
	var side chan mistral.Event // events from the calls' goroutines (elicitations)
	if s := sinkOf(ctx); s != nil && emit != nil {
		side = s.ch
	}
	sideEvent := func(ev mistral.Event) {
		if !stopped && !emit(ev) {
			stopped = true
			cancel()
		}
	}
	for done := 0; done < len(calls); {
		var n note
		select {
		case n = <-notes:
		case ev := <-side:
			sideEvent(ev)
			continue
		}
		// A call queues its events before its result note: emit them
		// first, so that they come before its result, and so that the
		// last call's are not left behind when the loop ends (select
		// picks among ready cases at random).
		drain(side, func(ev mistral.Event) bool { sideEvent(ev); return true })
		if !n.start {
			done++
		}
		if emit == nil || stopped {
			continue
		}
		c := calls[n.i]
		var ev mistral.Event
		if n.start {
			ev = &ToolStartedEvent{ToolCallID: c.ToolCallID, Name: c.Name, Arguments: c.Arguments}
		} else {
			o := outcomes[n.i]
			ev = &FunctionResultEvent{ToolCallID: c.ToolCallID, Name: c.Name, Result: resultText(c, o), Err: o.Err}
		}
		if !emit(ev) {
			// The consumer left: cancel the calls still running, then wait
			// for them, so that no goroutine outlives the run.
			stopped = true
			cancel()
		}
	}
	if stopped {
		return nil, errStopped
	}
	if ctxErr := context.Cause(ctx); ctxErr != nil {
		for i := range outcomes {
			if o := &outcomes[i]; o.Err != nil && errors.Is(o.Err, ctxErr) {
				o.Cancelled = true
			}
		}
	}
	return outcomes, nil
}

// execOne runs a turn's only call in the loop's own goroutine: the usual
// turn, and the cheapest, with no goroutine, channel or context of
// execCalls. It is not used with an Elicitor, whose events are emitted while
// the call waits for the user. Events a call queues on the stream's sink
// anyway are emitted before its result, as execCalls does.
func (r *Runner) execOne(ctx context.Context, tt *toolTable, c *mistral.FunctionCallEntry, approved bool, emit func(mistral.Event) bool) ([]CallOutcome, error) {
	if emit != nil && !emit(&ToolStartedEvent{ToolCallID: c.ToolCallID, Name: c.Name, Arguments: c.Arguments}) {
		return nil, errStopped
	}
	o := r.execCall(ctx, tt, c, approved)
	if emit != nil {
		if s := sinkOf(ctx); s != nil && !drain(s.ch, emit) {
			return nil, errStopped
		}
		if !emit(&FunctionResultEvent{ToolCallID: c.ToolCallID, Name: c.Name, Result: resultText(c, o), Err: o.Err}) {
			return nil, errStopped
		}
	}
	if ctxErr := context.Cause(ctx); ctxErr != nil && o.Err != nil && errors.Is(o.Err, ctxErr) {
		o.Cancelled = true
	}
	return []CallOutcome{o}, nil
}

// drain gives f the events queued on ch (nil: none) until there are no
// more or f returns false, and reports whether f took them all.
func drain(ch <-chan mistral.Event, f func(mistral.Event) bool) bool {
	for {
		select {
		case ev := <-ch:
			if !f(ev) {
				return false
			}
		default:
			return true
		}
	}
}

// execCall runs one call: approval, hooks, span, the call itself.
func (r *Runner) execCall(ctx context.Context, tt *toolTable, c *mistral.FunctionCallEntry, approved bool) CallOutcome {
	ref, known := tt.byName[c.Name]
	tc := ToolCall{ID: c.ToolCallID, Name: c.Name, Arguments: json.RawMessage(c.Arguments), Server: ref.server(), Annotations: ref.annotations}
	var span trace.Span
	if r.spans.tracing {
		ctx, span = r.tracer.Start(ctx, "execute_tool "+c.Name, trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(
			attribute.String("gen_ai.operation.name", "execute_tool"),
			attribute.String("gen_ai.tool.name", c.Name),
			attribute.String("gen_ai.tool.call.id", c.ToolCallID),
			attribute.String("gen_ai.tool.type", "function"),
			attribute.String("gen_ai.tool.call.arguments", r.cfg.secrets.String(c.Arguments)),
		))
	} else {
		span = noSpan // see startSpan
	}
	defer span.End()
	start := time.Now()
	if h := r.cfg.hooks.OnToolStart; h != nil {
		h(ctx, tc)
	}
	var o CallOutcome
	denied := false
	switch {
	case !known:
		o.Err = fmt.Errorf("%w %q", ErrUnknownTool, c.Name)
	case r.cfg.approve != nil && !approved:
		if allow, reason := r.cfg.approve(ctx, tc); !allow {
			denied = true
			if reason == "" {
				reason = "not approved"
			}
			o.Text = "Tool call denied: " + reason
		}
	}
	if o.Err == nil && !denied {
		if ref.fn != nil {
			o.Text, o.Err = r.callFunction(ctx, ref.fn, c.Arguments)
		} else {
			o.Text, o.Err, o.Fatal = r.callMCP(ctx, ref, c.Arguments)
		}
	}
	if ctx.Err() != nil && o.Err != nil {
		o.Fatal = true // a cancelled run is not the tool's failure
	}
	o = r.outbound(o)
	if o.Err == nil {
		o.Text = capResult(o.Text, r.resultCap(ref))
	}
	dur := time.Since(start)
	if o.Err != nil {
		span.SetStatus(codes.Error, o.Err.Error())
		span.SetAttributes(attribute.String("error.type", errorType(o.Err)))
		r.log.LogAttrs(ctx, slog.LevelWarn, "tool call failed", slog.String("tool", c.Name), slog.String("tool_call_id", c.ToolCallID), slog.Any("error", o.Err))
	} else {
		r.log.LogAttrs(ctx, slog.LevelDebug, "tool call", slog.String("tool", c.Name), slog.Duration("took", dur), slog.Bool("denied", denied))
	}
	if h := r.cfg.hooks.OnToolEnd; h != nil {
		h(ctx, tc, ToolOutcome{Result: resultText(c, o), Err: o.Err, Denied: denied, Duration: dur})
	}
	return o
}

func errorType(err error) string {
	switch {
	case errors.Is(err, ErrUnknownTool):
		return "unknown_tool"
	case errors.Is(err, ErrInvalidArguments):
		return "invalid_arguments"
	case errors.Is(err, ErrToolTimeout):
		return "timeout"
	case errors.Is(err, ErrToolPanic):
		return "panic"
	}
	return "tool_error"
}

// callFunction runs a Go function under the function timeout. If the
// function ignores its context past the timeout, the call fails anyway and
// the function's goroutine is left to finish on its own.
func (r *Runner) callFunction(ctx context.Context, f *Function, args string) (string, error) {
	call, err := f.check(json.RawMessage(args))
	if err != nil {
		return "", err
	}
	if r.cfg.funcTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, r.cfg.funcTimeout, ErrToolTimeout)
		defer cancel()
	}
	type ret struct {
		text string
		err  error
	}
	done := make(chan ret, 1)
	go func() {
		text, err := invoke(ctx, call)
		done <- ret{text, err}
	}()
	select {
	case v := <-done:
		if v.err != nil && errors.Is(context.Cause(ctx), ErrToolTimeout) {
			return "", fmt.Errorf("%w after %v", ErrToolTimeout, r.cfg.funcTimeout)
		}
		return v.text, v.err
	case <-ctx.Done():
		if errors.Is(context.Cause(ctx), ErrToolTimeout) {
			return "", fmt.Errorf("%w after %v", ErrToolTimeout, r.cfg.funcTimeout)
		}
		return "", ctx.Err()
	}
}

// callMCP calls an MCP tool. The tool's own error results (isError) are
// results the model reads; a call past the client's deadline is a failure,
// as is a server that cannot be reached.
func (r *Runner) callMCP(ctx context.Context, ref toolRef, args string) (text string, err error, fatal bool) {
	raw := json.RawMessage(args)
	if len(raw) == 0 {
		raw = json.RawMessage("{}")
	} else if !json.Valid(raw) {
		return "", fmt.Errorf("%w: not JSON", ErrInvalidArguments), false
	}
	if sem := ref.src.sem; sem != nil {
		select {
		case sem <- struct{}{}:
			defer func() { <-sem }()
		case <-ctx.Done():
			return "", ctx.Err(), true
		}
	}
	res, err := ref.src.client.CallTool(ctx, ref.original, raw)
	if err != nil {
		return "", mcpCallError(err), false
	}
	return res.Text, nil, false
}

// mcpCallError is what the model reads of a failed MCP call. A timeout
// and a server's refusal (a JSON-RPC error) are told without the server's
// name, as the tool's own failure: "tool call timed out: mcpclient: tool
// call timed out after 1m0s", the JSON-RPC error's text.
func mcpCallError(err error) error {
	var se *mcpclient.ServerError
	var rpcErr *jsonrpc.Error
	switch {
	case errors.Is(err, mcpclient.ErrCallTimeout):
		if errors.As(err, &se) {
			err = se.Err
		}
		return fmt.Errorf("%w: %w", ErrToolTimeout, err)
	case errors.As(err, &rpcErr) && errors.As(err, &se):
		return se.Err
	case errors.Is(err, mcpclient.ErrInvalidArguments):
		return errors.New("arguments are not a JSON object")
	}
	return err
}
