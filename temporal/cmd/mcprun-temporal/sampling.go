//lint:file-ignore SA1019 sampling, deprecated in protocol 2026-07-28, is still what servers send.
package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/internal/serverflags"
	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// A worker's policy for what its MCP servers ask of the client:
//
//   - Sampling (a server asks the model for a completion) is answered
//     through the worker's Mistral client, for the servers mcprun run lets
//     sample (stdio ones by default, remote ones with --allow-sampling or
//     the config's "sampling": {"allow": true}), with the same bounds per
//     server (10 requests, 20000 tokens, 4096 a request, or the config's).
//     A worker outlives runs and cannot tell which run a request serves,
//     so the bounds hold per --sampling-window (default 1h) rather than
//     per run. The model is --sampling-model (a run's own model is not
//     known to the server's request either).
//   - Elicitation (a server asks the user) is not offered: a worker has no
//     user. Its servers see no elicitation capability, as the MCP
//     specification wants of a client that cannot ask, and one that asks
//     anyway is answered "client does not support elicitation".

// samplingFlags are the worker's sampling flags.
type samplingFlags struct {
	allowRemote bool
	model       string
	window      time.Duration
}

// samplingOption lets server s sample through mc, or returns nil (no
// sampling capability).
func (f *samplingFlags) samplingOption(s mcpconfig.Server, mc *mistral.Client) (mcpclient.Option, error) {
	sp := serverflags.SamplingOf(s, f.allowRemote)
	if !sp.Allow || mc == nil {
		return nil, nil
	}
	if f.window <= 0 {
		return nil, fmt.Errorf("--sampling-window: want a positive duration")
	}
	fresh := func() (samplingHandler, error) {
		return run.NewSamplingHandler(mc, f.model, run.SamplingBudget(sp.Requests, sp.Tokens), run.SamplingMaxTokens(sp.PerRequest))
	}
	h, err := fresh()
	if err != nil {
		return nil, fmt.Errorf("server %q: %w", s.Name, err)
	}
	w := &windowed{fresh: fresh, cur: h, since: time.Now(), window: f.window}
	return mcpclient.WithSamplingHandler(w.handle), nil
}

type samplingHandler = func(context.Context, *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error)

// windowed renews a server's sampling budget every window.
type windowed struct {
	fresh  func() (samplingHandler, error)
	window time.Duration

	mu    sync.Mutex
	cur   samplingHandler
	since time.Time
}

func (w *windowed) handle(ctx context.Context, req *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
	w.mu.Lock()
	if time.Since(w.since) >= w.window {
		if h, err := w.fresh(); err == nil {
			w.cur, w.since = h, time.Now()
		}
	}
	h := w.cur
	w.mu.Unlock()
	return h(ctx, req)
}
