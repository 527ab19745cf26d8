package run

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/mcprun/mcprun/mistral"
)

// errStopped ends a streamed run whose consumer stopped iterating.
var errStopped = errors.New("run: stream consumer stopped")

// maxFileSize bounds a downloaded file (WithDownloadFiles).
const maxFileSize = 256 << 20

// Run sends inputs and runs the conversation to its final answer: a prompt
// is mistral.TextInputs("..."); entries (function results of an earlier run,
// an assistant prefix) are mistral.EntryInputs(...). It starts a new
// conversation unless [InConversation] continues one. Read the answer with
// [Result.Text], structured output with [OutputAs].
//
// Invalid call options fail the call with nil and the error. Otherwise, on
// failure Run returns the error together with a Result holding the entries
// so far, the conversation id and the calls left pending ([Result.Pending]):
// a [*ToolError], a [*MaxTurnsError], a [*DeferredError], a
// *mistral.APIError, or the context's error. Such a conversation can be
// continued with [Runner.Resume].
//
// With [InConversation], Run first reads the conversation: calls an earlier
// run left without results are answered (executed as any call) and their
// results sent in the same append as inputs, which may then be empty.
func (r *Runner) Run(ctx context.Context, inputs mistral.Inputs, opts ...CallOption) (*Result, error) {
	call, err := callConfig(opts)
	if err != nil {
		return nil, err
	}
	return r.loop(ctx, inputs, call, nil)
}

// loop runs the one loop ([Loop]) with the Runner's own I/O. emit is nil
// for a plain run; for a stream it receives every event.
func (r *Runner) loop(ctx context.Context, inputs mistral.Inputs, call callOptions, emit func(mistral.Event) bool) (res *Result, err error) {
	res = &Result{ConversationID: call.conversationID}
	if !inputs.IsZero() {
		res.InputEntries = inputEntries(inputs)
	}
	if d := r.cfg.runTimeout; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, d, ErrRunTimeout)
		defer cancel()
		defer func() {
			if err != nil && errors.Is(context.Cause(ctx), ErrRunTimeout) && !errors.Is(err, ErrRunTimeout) {
				err = fmt.Errorf("%w (%v): %w", ErrRunTimeout, d, err)
			}
		}()
	}
	ctx, span := r.startSpan(ctx, r.spans.invoke, r.spans.invokeOpts...)
	defer func() {
		if err != nil && !errors.Is(err, errStopped) {
			span.SetStatus(codes.Error, r.outboundErr(err).Error())
		}
		if span.IsRecording() {
			span.SetAttributes(attribute.String("gen_ai.conversation.id", res.ConversationID))
		}
		span.End()
	}()
	if r.isClosed() {
		return res, ErrClosed
	}
	if err := r.Connect(ctx); err != nil {
		return res, err
	}
	if err := runLoop(ctx, r.Settings(), &runnerSteps{r: r, emit: emit}, res, inputs, call); err != nil {
		return res, err
	}
	if r.cfg.downloadFiles {
		if err := r.download(ctx, res.Files); err != nil {
			return res, err
		}
	}
	return res, nil
}

// Steps returns the Runner's own I/O, as [Loop] uses it: tools listed from
// its functions and MCP clients (and an agent brought up to date), turns
// sent through its client (streamed when emit is not nil, each event given
// to emit; emit returning false stops the run), calls executed with its
// approver, hooks, timeouts and parallelism. A durable run calls them from
// its activities. The Runner connects its MCP clients first if it has not.
func (r *Runner) Steps(emit func(mistral.Event) bool) Steps {
	return &runnerSteps{r: r, emit: emit}
}

// runnerSteps are a Runner's Steps; one run uses them at a time.
type runnerSteps struct {
	r    *Runner
	emit func(mistral.Event) bool
	tt   *toolTable // the last listed
}

func (s *runnerSteps) ListTools(ctx context.Context) (*ToolList, error) {
	r := s.r
	if err := r.Connect(ctx); err != nil {
		return nil, err
	}
	tt, err := r.buildTable(ctx)
	if err != nil {
		return nil, err
	}
	if r.cfg.agentID != "" {
		if err := r.syncAgent(ctx, tt); err != nil {
			return nil, err
		}
	}
	s.tt = tt
	return tt.list(len(r.cfg.mcps) > 0), nil
}

func (s *runnerSteps) History(ctx context.Context, id string) (mistral.Entries, error) {
	h, err := s.r.client.GetConversationHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	return h.Entries, nil
}

func (s *runnerSteps) Execute(ctx context.Context, b *CallBatch) (*CallResults, error) {
	r := s.r
	if s.tt == nil {
		if err := r.Connect(ctx); err != nil {
			return nil, err
		}
		tt, err := r.buildTable(ctx)
		if err != nil {
			return nil, err
		}
		s.tt = tt
	}
	if b.Turn == 0 && len(b.Calls)+len(b.Ask) > 0 {
		r.log.LogAttrs(ctx, slog.LevelInfo, "answering pending calls", slog.Int("calls", len(b.Calls)+len(b.Ask)))
	} else if len(b.Calls) > 0 {
		r.log.LogAttrs(ctx, slog.LevelDebug, "tool calls", slog.Int("turn", b.Turn), slog.Int("calls", len(b.Calls)))
	}
	for _, ev := range b.Events {
		if s.emit != nil && !s.emit(ev) {
			return nil, errStopped
		}
	}
	out := &CallResults{Allowed: make([]bool, len(b.Ask))}
	for i, c := range b.Ask {
		out.Allowed[i], _ = r.askApprover(ctx, c)
	}
	var err error
	out.Outcomes, err = r.execCalls(ctx, s.tt, b.Calls, b.Approved, s.emit)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Turn sends one turn and returns its outputs.
func (s *runnerSteps) Turn(ctx context.Context, t *Turn) (*TurnOutput, error) {
	r := s.r
	ctx, span := r.startSpan(ctx, r.spans.chat, r.spans.chatOpts...)
	defer span.End()
	out := &TurnOutput{ConversationID: t.ConversationID}
	var err error
	if s.emit == nil {
		var resp *mistral.ConversationResponse
		if t.ConversationID == "" {
			resp, err = r.client.StartConversation(ctx, t.Start)
		} else {
			resp, err = r.client.AppendConversation(ctx, t.ConversationID, t.Append)
		}
		if err == nil && resp != nil {
			out.ConversationID, out.Outputs, out.Usage = resp.ConversationID, resp.Outputs, resp.Usage
		}
	} else {
		var events func(yield func(mistral.Event, error) bool)
		if t.ConversationID == "" {
			events = r.client.StartConversationStream(ctx, t.Start)
		} else {
			events = r.client.AppendConversationStream(ctx, t.ConversationID, t.Append)
		}
		out.Outputs, out.Usage, err = streamTurn(out, events, s.emit)
	}
	if span.IsRecording() { // without a tracer, no attributes to build
		span.SetAttributes(
			attribute.String("gen_ai.conversation.id", out.ConversationID),
			attribute.Int("gen_ai.usage.input_tokens", out.Usage.PromptTokens),
			attribute.Int("gen_ai.usage.output_tokens", out.Usage.CompletionTokens),
		)
	}
	if err != nil && !errors.Is(err, errStopped) {
		span.SetStatus(codes.Error, r.outboundErr(err).Error())
	}
	return out, err
}

// spanSetup is the names and start options of a Runner's spans, the same
// for every run: made once.
type spanSetup struct {
	tracing              bool // a TracerProvider was given (else spans are no-ops)
	invoke, chat         string
	invokeOpts, chatOpts []trace.SpanStartOption
}

func (r *Runner) makeSpanSetup(tracing bool) {
	r.spans = spanSetup{
		tracing: tracing,
		invoke:  "invoke_agent " + r.agentOrModel(),
		chat:    "chat " + r.agentOrModel(),
		invokeOpts: []trace.SpanStartOption{trace.WithAttributes(
			attribute.String("gen_ai.operation.name", "invoke_agent"),
			attribute.String("gen_ai.provider.name", "mistral_ai"),
		)},
		chatOpts: []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
			attribute.String("gen_ai.operation.name", "chat"),
			attribute.String("gen_ai.provider.name", "mistral_ai"),
			attribute.String("gen_ai.request.model", r.cfg.model),
			attribute.String("gen_ai.agent.id", r.cfg.agentID),
		)},
	}
}

// startSpan starts a span; without a TracerProvider it returns ctx as it
// is and a span that does nothing. The no-op tracer would put a span of
// its own in a new context on every run, turn and call, for nothing: a
// caller's span already in ctx is what MCP calls propagate either way
// (the no-op tracer's span carries that span's context).
func (r *Runner) startSpan(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	if !r.spans.tracing {
		return ctx, noSpan
	}
	return r.tracer.Start(ctx, name, opts...)
}

// noSpan is the span of a Runner without a TracerProvider.
var noSpan trace.Span = noop.Span{}

func (r *Runner) agentOrModel() string {
	if r.cfg.agentID != "" {
		return r.cfg.agentID
	}
	return r.cfg.model
}

func inputEntries(in mistral.Inputs) mistral.Entries {
	if in.Entries != nil {
		return append(mistral.Entries(nil), in.Entries...)
	}
	return mistral.Entries{mistral.NewUserMessage(in.Text)}
}

func (r *Runner) download(ctx context.Context, files []File) error {
	for i := range files {
		rc, err := r.client.DownloadFile(ctx, files[i].ID)
		if err != nil {
			return fmt.Errorf("run: downloading file %s: %w", files[i].ID, err)
		}
		data, err := io.ReadAll(io.LimitReader(rc, maxFileSize+1))
		rc.Close()
		if err != nil {
			return fmt.Errorf("run: downloading file %s: %w", files[i].ID, err)
		}
		if len(data) > maxFileSize {
			return fmt.Errorf("run: file %s is larger than %d bytes", files[i].ID, maxFileSize)
		}
		files[i].Data = data
	}
	return nil
}
