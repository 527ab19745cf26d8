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

// loop is the run: model turn, tool calls, append, until a final answer.
// emit is nil for a plain run; for a stream it receives every event.
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
	// pending are the calls the conversation awaits an answer to: reported
	// in the Result of a run that stops before its final answer.
	var pending []*mistral.FunctionCallEntry
	defer func() {
		if err != nil && res.ConversationID != "" {
			res.Pending = pending
		}
	}()
	ctx, span := r.tracer.Start(ctx, "invoke_agent "+r.agentOrModel(), trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "invoke_agent"),
		attribute.String("gen_ai.provider.name", "mistral_ai"),
	))
	defer func() {
		if err != nil && !errors.Is(err, errStopped) {
			span.SetStatus(codes.Error, err.Error())
		}
		span.SetAttributes(attribute.String("gen_ai.conversation.id", res.ConversationID))
		span.End()
	}()
	if r.isClosed() {
		return res, ErrClosed
	}
	if err := r.Connect(ctx); err != nil {
		return res, err
	}
	tt, err := r.buildTable(ctx)
	if err != nil {
		return res, err
	}
	if r.cfg.agentID != "" {
		if err := r.syncAgent(ctx, tt); err != nil {
			return res, err
		}
	}
	maxTurns := r.cfg.maxTurns
	if call.maxTurns > 0 {
		maxTurns = call.maxTurns
	}
	var conf []mistral.ToolCallConfirmation
	switch {
	case res.ConversationID != "":
		// A continued conversation may await answers to calls an earlier
		// run left (interrupted, turn limit, deferral): they go first, in
		// the same append as the inputs.
		if pending, err = r.pendingCalls(ctx, res.ConversationID); err != nil {
			return res, err
		}
		if call.deferral == nil && len(pending) == 0 && inputs.IsZero() {
			return res, fmt.Errorf("%w (conversation %s)", ErrNothingToResume, res.ConversationID)
		}
		if err := r.prepareResume(tt, res.ConversationID, pending, call); err != nil {
			return res, err
		}
		if len(pending) > 0 {
			r.log.LogAttrs(ctx, slog.LevelInfo, "answering pending calls", slog.String("conversation_id", res.ConversationID), slog.Int("calls", len(pending)))
			var results []mistral.Entry
			results, conf, err = r.answer(ctx, res, tt, pending, call, emit)
			res.OutputEntries = append(res.OutputEntries, results...)
			if err != nil {
				return res, err
			}
			inputs = withPrompt(results, inputs)
		}
	case inputs.IsZero():
		return res, errors.New("run: no inputs: give a prompt (mistral.TextInputs) or entries")
	}
	for {
		res.Turns++
		outputs, usage, err := r.modelTurn(ctx, res, tt, inputs, conf, emit)
		res.Usage = res.Usage.Add(usage)
		res.OutputEntries = append(res.OutputEntries, outputs...)
		if err != nil {
			return res, err
		}
		var calls []*mistral.FunctionCallEntry
		for _, e := range outputs {
			if c, ok := e.(*mistral.FunctionCallEntry); ok {
				if s := c.ConfirmationStatus; s == "" || s == "pending" {
					calls = append(calls, c)
				}
			}
		}
		pending = calls
		if len(calls) == 0 {
			res.Files = collectFiles(res.OutputEntries)
			if r.cfg.downloadFiles {
				if err := r.download(ctx, res.Files); err != nil {
					return res, err
				}
			}
			return res, nil
		}
		if res.Turns >= maxTurns {
			// The calls are not run: they stay pending, for a resume with a
			// larger budget to answer, once.
			return res, &MaxTurnsError{Turns: res.Turns, Pending: len(calls)}
		}
		r.log.LogAttrs(ctx, slog.LevelDebug, "tool calls", slog.Int("turn", res.Turns), slog.Int("calls", len(calls)))
		var results []mistral.Entry
		results, conf, err = r.answer(ctx, res, tt, calls, callOptions{}, emit)
		res.OutputEntries = append(res.OutputEntries, results...)
		if err != nil {
			return res, err
		}
		inputs = mistral.EntryInputs(results...)
		if len(results) == 0 {
			inputs = mistral.Inputs{} // only confirmations
		}
		// A server may have changed its tools (tools/list_changed): route the
		// next calls by the current list, and bring an agent up to date.
		if len(r.cfg.mcps) > 0 {
			if tt, err = r.buildTable(ctx); err != nil {
				return res, err
			}
			if r.cfg.agentID != "" {
				if err := r.syncAgent(ctx, tt); err != nil {
					return res, err
				}
			}
		}
	}
}

// modelTurn sends inputs (start or append) and returns the outputs.
func (r *Runner) modelTurn(ctx context.Context, res *Result, tt *toolTable, inputs mistral.Inputs, conf []mistral.ToolCallConfirmation, emit func(mistral.Event) bool) (mistral.Entries, mistral.Usage, error) {
	ctx, span := r.tracer.Start(ctx, "chat "+r.agentOrModel(), trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("gen_ai.operation.name", "chat"),
		attribute.String("gen_ai.provider.name", "mistral_ai"),
		attribute.String("gen_ai.request.model", r.cfg.model),
		attribute.String("gen_ai.agent.id", r.cfg.agentID),
	))
	defer span.End()
	var (
		outputs mistral.Entries
		usage   mistral.Usage
		err     error
	)
	if emit == nil {
		var resp *mistral.ConversationResponse
		if res.ConversationID == "" {
			resp, err = r.client.StartConversation(ctx, r.startRequest(tt, inputs))
		} else {
			resp, err = r.client.AppendConversation(ctx, res.ConversationID, r.appendRequest(inputs, conf))
		}
		if err == nil && resp != nil {
			res.ConversationID = resp.ConversationID
			outputs, usage = resp.Outputs, resp.Usage
		}
	} else {
		var events func(yield func(mistral.Event, error) bool)
		if res.ConversationID == "" {
			events = r.client.StartConversationStream(ctx, r.startRequest(tt, inputs))
		} else {
			events = r.client.AppendConversationStream(ctx, res.ConversationID, r.appendRequest(inputs, conf))
		}
		outputs, usage, err = r.streamTurn(res, events, emit)
	}
	span.SetAttributes(
		attribute.String("gen_ai.conversation.id", res.ConversationID),
		attribute.Int("gen_ai.usage.input_tokens", usage.PromptTokens),
		attribute.Int("gen_ai.usage.output_tokens", usage.CompletionTokens),
	)
	if err != nil && !errors.Is(err, errStopped) {
		span.SetStatus(codes.Error, err.Error())
		err = fmt.Errorf("run: turn %d: %w", res.Turns, err)
	}
	return outputs, usage, err
}

func (r *Runner) startRequest(tt *toolTable, inputs mistral.Inputs) *mistral.ConversationRequest {
	req := &mistral.ConversationRequest{Inputs: inputs, Store: r.cfg.store}
	if r.cfg.agentID != "" {
		req.AgentID = r.cfg.agentID
		return req
	}
	req.Model = r.cfg.model
	req.Instructions = r.cfg.instructions
	req.Tools = append(append([]mistral.Tool(nil), r.cfg.tools...), tt.decls...)
	if r.cfg.completionArgs != nil || r.cfg.output != nil {
		a := mistral.CompletionArgs{}
		if r.cfg.completionArgs != nil {
			a = *r.cfg.completionArgs
		}
		if r.cfg.output != nil {
			a.ResponseFormat = r.cfg.output
		}
		req.CompletionArgs = &a
	}
	return req
}

func (r *Runner) appendRequest(inputs mistral.Inputs, conf []mistral.ToolCallConfirmation) *mistral.AppendRequest {
	return &mistral.AppendRequest{Inputs: inputs, Store: r.cfg.store, ToolConfirmations: conf}
}

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
