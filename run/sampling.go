//lint:file-ignore SA1019 sampling, deprecated in protocol 2026-07-28, is still what servers send; answering it is part of the run issue.
package run

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
)

// SamplingHandler answers MCP sampling requests (sampling/createMessage)
// with a Mistral model, so that servers which ask the client's LLM for a
// completion get one. Pass it to mcpclient.WithSamplingHandler when creating
// the client. Each request is a one-turn conversation that is not stored.
// It is [NewSamplingHandler] without options: a server's max_tokens is
// capped at [DefaultSamplingMaxTokens] and nothing else bounds it.
func SamplingHandler(client *mistral.Client, model string) func(context.Context, *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
	h, _ := NewSamplingHandler(client, model)
	return h
}

// NewSamplingHandler is [SamplingHandler] with bounds on what the server
// may spend of the user's model: [SamplingBudget], [SamplingMaxTokens],
// [SamplingApproval]. A request past a bound, or not approved, is refused
// with an error the server receives; the model is not called. Give each
// server its own handler: the budget is the handler's.
func NewSamplingHandler(client *mistral.Client, model string, opts ...SamplingOption) (func(context.Context, *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error), error) {
	if client == nil {
		return nil, errors.New("run: NewSamplingHandler: nil client")
	}
	if model == "" {
		return nil, errors.New("run: NewSamplingHandler: empty model")
	}
	b := &samplingBudget{maxTokensPerRequest: DefaultSamplingMaxTokens}
	for _, o := range opts {
		if o == nil {
			return nil, errors.New("run: NewSamplingHandler: nil SamplingOption")
		}
		if err := o(b); err != nil {
			return nil, fmt.Errorf("run: %w", err)
		}
	}
	return func(ctx context.Context, req *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
		p := req.Params
		if p == nil || len(p.Messages) == 0 {
			return nil, errors.New("run: sampling request without messages")
		}
		entries := make([]mistral.Entry, 0, len(p.Messages))
		for _, m := range p.Messages {
			text, ok := m.Content.(*mcp.TextContent)
			if !ok {
				return nil, fmt.Errorf("run: sampling: only text content is supported, got %T", m.Content)
			}
			e := mistral.NewUserMessage(text.Text)
			if m.Role == "assistant" {
				e.Role = "assistant"
			}
			entries = append(entries, e)
		}
		maxTokens, err := b.admit(ctx, req)
		if err != nil {
			return nil, err
		}
		store := false
		creq := &mistral.ConversationRequest{Model: model, Inputs: mistral.EntryInputs(entries...), Instructions: p.SystemPrompt, Store: &store}
		args := mistral.CompletionArgs{Stop: p.StopSequences, MaxTokens: &maxTokens}
		if p.Temperature != 0 {
			t := p.Temperature
			args.Temperature = &t
		}
		creq.CompletionArgs = &args
		resp, err := client.StartConversation(ctx, creq)
		if err != nil {
			b.spent(maxTokens, mistral.Usage{})
			return nil, fmt.Errorf("run: sampling: %w", err)
		}
		b.spent(maxTokens, resp.Usage)
		res := &Result{OutputEntries: resp.Outputs}
		return &mcp.CreateMessageResult{
			Content:    &mcp.TextContent{Text: res.Text()},
			Model:      model,
			Role:       "assistant",
			StopReason: "endTurn",
		}, nil
	}, nil
}

// PromptInstructions gets an MCP prompt and returns its messages' text, to
// use as a run's instructions (the reference SDK's get_system_prompt):
//
//	text, err := run.PromptInstructions(ctx, client, "assistant", nil)
//	r, err := run.New(mc, run.WithModel(m), run.WithInstructions(text))
func PromptInstructions(ctx context.Context, c *mcpclient.Client, name string, args map[string]string) (string, error) {
	if err := c.Connect(ctx); err != nil {
		return "", err
	}
	p, err := c.GetPrompt(ctx, name, args)
	if err != nil {
		return "", fmt.Errorf("run: getting prompt %q: %w", name, err)
	}
	var parts []string
	for _, m := range p.Messages {
		if t, ok := m.Content.(*mcp.TextContent); ok {
			parts = append(parts, t.Text)
		}
	}
	if len(parts) == 0 {
		return "", fmt.Errorf("run: prompt %q has no text", name)
	}
	return strings.Join(parts, "\n\n"), nil
}
