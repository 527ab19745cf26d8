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
// so far: a [*ToolError], a [*MaxTurnsError], a *mistral.APIError, or the
// context's error.
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
	res = &Result{ConversationID: call.conversationID, InputEntries: inputEntries(inputs)}
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
	for {
		if res.Turns >= r.cfg.maxTurns {
			return res, &MaxTurnsError{Turns: res.Turns}
		}
		res.Turns++
		outputs, usage, err := r.modelTurn(ctx, res, tt, inputs, emit)
		res.Usage = res.Usage.Add(usage)
		res.OutputEntries = append(res.OutputEntries, outputs...)
		if err != nil {
			return res, err
		}
		var calls []*mistral.FunctionCallEntry
		for _, e := range outputs {
			if c, ok := e.(*mistral.FunctionCallEntry); ok {
				calls = append(calls, c)
			}
		}
		if len(calls) == 0 {
			res.Files = collectFiles(res.OutputEntries)
			if r.cfg.downloadFiles {
				if err := r.download(ctx, res.Files); err != nil {
					return res, err
				}
			}
			return res, nil
		}
		r.log.LogAttrs(ctx, slog.LevelDebug, "tool calls", slog.Int("turn", res.Turns), slog.Int("calls", len(calls)))
		results, err := r.execCalls(ctx, tt, calls, emit)
		res.OutputEntries = append(res.OutputEntries, results...)
		if err != nil {
			return res, err
		}
		inputs = mistral.EntryInputs(results...)
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
func (r *Runner) modelTurn(ctx context.Context, res *Result, tt *toolTable, inputs mistral.Inputs, emit func(mistral.Event) bool) (mistral.Entries, mistral.Usage, error) {
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
			resp, err = r.client.AppendConversation(ctx, res.ConversationID, r.appendRequest(inputs))
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
			events = r.client.AppendConversationStream(ctx, res.ConversationID, r.appendRequest(inputs))
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

func (r *Runner) appendRequest(inputs mistral.Inputs) *mistral.AppendRequest {
	return &mistral.AppendRequest{Inputs: inputs, Store: r.cfg.store}
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
