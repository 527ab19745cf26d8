package run

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
)

// Defaults of a Runner's options.
const (
	DefaultMaxTurns        = 20
	DefaultParallelism     = 8
	DefaultFunctionTimeout = 60 * time.Second
)

// A Runner runs conversations with a model or an agent, executing the
// model's function calls locally. It is the counterpart of the reference
// SDK's RunContext. Create it with [New]; it is safe for concurrent use, and
// [Runner.Close] closes the MCP clients it holds.
type Runner struct {
	client *mistral.Client
	cfg    config
	tracer trace.Tracer
	log    *slog.Logger

	connectMu sync.Mutex // serialises Connect
	connected bool

	mu          sync.Mutex
	closed      bool
	agentSynced string // fingerprint of the agent update last applied
}

// New returns a Runner that talks to the API through client. It needs a
// model ([WithModel]) or an agent ([WithAgent]), not both. An invalid option
// (a nil client or function, an empty name, a bound below 1, two functions
// of one name) makes New return nil and an error naming it. New does no I/O:
// MCP clients connect on [Runner.Connect] or on the first run.
func New(client *mistral.Client, opts ...Option) (*Runner, error) {
	if client == nil {
		return nil, errors.New("run: nil mistral client")
	}
	r := &Runner{client: client, cfg: config{
		maxTurns:    DefaultMaxTurns,
		parallelism: DefaultParallelism,
		funcTimeout: DefaultFunctionTimeout,
	}}
	var errs []error
	for _, o := range opts {
		if o == nil {
			errs = append(errs, errors.New("run: nil Option"))
			continue
		}
		if err := o(&r.cfg); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	c := &r.cfg
	switch {
	case c.model != "" && c.agentID != "":
		return nil, errors.New("run: set a model or an agent, not both")
	case c.model == "" && c.agentID == "":
		return nil, errors.New("run: set a model (WithModel) or an agent (WithAgent)")
	case c.agentID != "" && (len(c.tools) > 0 || c.completionArgs != nil || c.instructions != ""):
		// As in the reference: an agent carries its own tools, arguments and
		// instructions; update the agent instead.
		return nil, errors.New("run: tools, completion args and instructions belong to the agent: they cannot be given to an agent run")
	}
	seen := map[string]bool{}
	for _, f := range c.functions {
		if seen[f.name] {
			return nil, fmt.Errorf("%w: two Go functions are named %q", ErrDuplicateTool, f.name)
		}
		seen[f.name] = true
	}
	tp := c.tracer
	if tp == nil {
		tp = noop.NewTracerProvider()
	}
	r.tracer = tp.Tracer("github.com/mcprun/mcprun/run")
	r.log = c.logger
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	return r, nil
}

// Client returns the Mistral client the Runner talks through.
func (r *Runner) Client() *mistral.Client { return r.client }

// Connect connects every MCP client concurrently and checks that no two tools
// share a name. Runs call it themselves; call it first to fail early.
func (r *Runner) Connect(ctx context.Context) error {
	r.connectMu.Lock()
	defer r.connectMu.Unlock()
	if r.isClosed() {
		return ErrClosed
	}
	if r.connected {
		return nil
	}
	clients := make([]*mcpclient.Client, len(r.cfg.mcps))
	for i, s := range r.cfg.mcps {
		clients[i] = s.client
	}
	if err := mcpclient.ConnectAll(ctx, clients...); err != nil {
		return fmt.Errorf("run: connecting MCP servers: %w", err)
	}
	if _, err := r.buildTable(ctx); err != nil {
		return err
	}
	r.connected = true
	return nil
}

// Tools returns the function tools a run declares now: the Go functions and
// the MCP tools, as sent to the API.
func (r *Runner) Tools(ctx context.Context) ([]mistral.Tool, error) {
	if err := r.Connect(ctx); err != nil {
		return nil, err
	}
	t, err := r.buildTable(ctx)
	if err != nil {
		return nil, err
	}
	return t.decls, nil
}

// Close closes every MCP client the Runner holds (stdio servers are stopped
// and reaped). Runs in progress fail; later runs fail with [ErrClosed].
func (r *Runner) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	r.mu.Unlock()
	var errs []error
	for _, s := range r.cfg.mcps {
		if err := s.client.Close(); err != nil && !errors.Is(err, mcpclient.ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (r *Runner) isClosed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.closed
}
