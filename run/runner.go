package run

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
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
	// Set by Connect: the servers that did not start (partial connect),
	// in the order they were given; read-only once connected is set.
	down        map[*mcpSource]bool
	unavailable []*mcpclient.ServerError

	mu          sync.Mutex
	closed      bool
	agentSynced string // fingerprint of the agent update last applied

	table atomic.Pointer[cachedTable] // the tool table, kept while the tools stay the same
	spans spanSetup
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
	separatePrefixes(c.mcps)
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
	r.makeSpanSetup(c.tracer != nil)
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
//
// A server that does not start does not stop the others: the Runner goes on
// with the servers that started, without the tools of the others, and
// [Runner.Unavailable] reports each that did not (a [*mcpclient.ServerError]
// naming it). Connect fails only when none of the MCP servers started, or
// when [WithAllServersRequired] makes every one required. A server that
// failed is not tried again by later runs of the Runner.
func (r *Runner) Connect(ctx context.Context) error {
	r.connectMu.Lock()
	defer r.connectMu.Unlock()
	if r.isClosed() {
		return ErrClosed
	}
	if r.connected {
		return nil
	}
	errs := make([]error, len(r.cfg.mcps))
	var wg sync.WaitGroup
	for i, s := range r.cfg.mcps {
		wg.Go(func() { errs[i] = s.client.Connect(ctx) })
	}
	wg.Wait()
	var failed []*mcpclient.ServerError
	down := map[*mcpSource]bool{}
	for i, err := range errs {
		if err == nil {
			continue
		}
		var se *mcpclient.ServerError
		if !errors.As(err, &se) {
			se = &mcpclient.ServerError{Server: r.cfg.mcps[i].client.Name(), Op: "connect", Err: err}
		}
		failed = append(failed, se)
		down[r.cfg.mcps[i]] = true
	}
	if len(failed) > 0 {
		joined := make([]error, len(failed))
		for i, se := range failed {
			joined[i] = se
		}
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("run: connecting MCP servers: %w", errors.Join(append(joined, ctx.Err())...))
		case r.cfg.requireAll:
			return fmt.Errorf("run: connecting MCP servers (all required): %w", errors.Join(joined...))
		case len(failed) == len(r.cfg.mcps):
			return fmt.Errorf("run: connecting MCP servers: none started: %w", errors.Join(joined...))
		}
		// Those that started must not hold a half-open session for nothing:
		// the failed ones are closed (a stdio process reaped).
		for s := range down {
			s.client.Close()
		}
		for _, se := range failed {
			r.log.Warn("MCP server unavailable; running without its tools", "server", se.Server, "error", se.Error())
		}
	}
	r.down, r.unavailable = down, failed
	if _, err := r.buildTable(ctx); err != nil {
		return err
	}
	r.connected = true
	return nil
}

// Unavailable returns the MCP servers that did not start when the Runner
// connected (see [Runner.Connect]), each as a [*mcpclient.ServerError]
// naming the server and saying why; nil when every server started or before
// the Runner connected.
func (r *Runner) Unavailable() []*mcpclient.ServerError {
	r.connectMu.Lock()
	defer r.connectMu.Unlock()
	return slices.Clone(r.unavailable)
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
	// Copies: the table is kept for the next runs.
	out := make([]mistral.Tool, len(t.decls))
	for i, d := range t.decls {
		out[i] = d
		if d.Function != nil {
			f := *d.Function
			out[i].Function = &f
		}
	}
	return out, nil
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
