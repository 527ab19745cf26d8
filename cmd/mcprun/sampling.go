//lint:file-ignore SA1019 sampling, deprecated in protocol 2026-07-28, is still what servers send.
package main

import (
	"context"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/internal/serverflags"
	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// samplingOption lets server s ask the run's model (sampling), within its
// bounds, or returns nil: a server the user did not allow gets no sampling
// capability. Stdio servers (the user's own programs) may by default,
// remote ones only with --allow-sampling or "sampling": {"allow": true}.
// Under --confirm each request is asked about.
func (a *app) samplingOption(f *runFlags, s mcpconfig.Server, client *mistral.Client) (mcpclient.Option, error) {
	sp := serverflags.SamplingOf(s, f.allowSampling)
	if !sp.Allow {
		return nil, nil
	}
	opts := []run.SamplingOption{run.SamplingBudget(sp.Requests, sp.Tokens), run.SamplingMaxTokens(sp.PerRequest)}
	if f.confirm {
		opts = append(opts, run.SamplingApproval(a.samplingConfirmer(s.Name)))
	}
	h, err := run.NewSamplingHandler(client, f.model, opts...)
	if err != nil {
		return nil, fmt.Errorf("server %q: %w", s.Name, err)
	}
	return mcpclient.WithSamplingHandler(h), nil
}

// samplingConfirmer asks on stdin before a server's sampling request.
func (a *app) samplingConfirmer(server string) func(context.Context, *mcp.CreateMessageRequest) bool {
	return func(ctx context.Context, req *mcp.CreateMessageRequest) bool {
		last := ""
		if ms := req.Params.Messages; len(ms) > 0 {
			if t, ok := ms[len(ms)-1].Content.(*mcp.TextContent); ok {
				last = t.Text
			}
		}
		a.promptMu.Lock()
		defer a.promptMu.Unlock()
		fmt.Fprintf(a.stderr, "%s asks your model (up to %d tokens): %q. Allow? [y/N] ", terminalSafe(server), req.Params.MaxTokens, terminalSafe(clip(last, 200)))
		answer, _ := a.lines().ReadString('\n')
		return yes(answer)
	}
}
