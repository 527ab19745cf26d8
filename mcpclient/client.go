package mcpclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// clientVersion is what the client reports in initialize.
const clientVersion = "0.1.0"

// A Client is a connection to one MCP server, kept alive by a supervisor.
// Create it with [NewStdio], [NewHTTP] or [NewInMemory], then call
// [Client.Connect]. It is safe for concurrent use.
type Client struct {
	name   string
	opts   options
	sdk    *mcp.Client
	dialer dialer
	stderr *ringBuffer     // stdio only
	httpTr *http.Transport // our own HTTP transport, if any: idle connections closed on Close
	// dialing is the context of the Streamable HTTP connect in progress.
	dialing atomic.Pointer[context.Context]
	// refused is the last request the HTTP transports refused to send to
	// another origin: the go-sdk's SSE client reports such a failure only
	// as a closed connection, so Connect adds the reason back.
	refused atomic.Pointer[error]

	life   context.Context // cancelled by Close: supervisor, SSE streams, in-flight connects
	cancel context.CancelFunc
	wg     sync.WaitGroup // supervisor, watchers, refreshers, in-flight connects

	mu         sync.Mutex
	sess       *mcp.ClientSession
	sessHooks  *hooks        // the transport hooks of sess
	settling   chan struct{} // closed when the watcher has cleaned up a dead session
	connected  bool          // Connect succeeded once
	closed     bool          // Close was called
	pending    chan struct{} // closed when the connect in progress ends
	restarting bool          // the supervisor is reconnecting
	changed    chan struct{} // closed and replaced on every state change
	lastErr    error         // why there is no session
	info       ServerInfo

	toolsMu  sync.Mutex
	tools    *toolSet // nil until listed, and after list_changed
	toolsGen uint64   // bumped when the cached list goes stale

	rawTools rawListing // the latest tools/list as sent, before the go-sdk dropped tools with invalid x-mcp-header annotations

	refreshing atomic.Bool // a list_changed refresh is running
	timeoutErr error       // the cause of a call timeout, made once: not per call
	progressN  atomic.Uint64
	resets     sync.Map // progress token → *progressDeadline (WithResetTimeoutOnProgress)
}

// A dialer makes one connection attempt.
type dialer func(ctx context.Context, c *Client) (*mcp.ClientSession, *hooks, error)

// hooks are per-session callbacks of a transport.
type hooks struct {
	cleanup func()        // after the session ended (may be nil); waits for settled
	stdio   bool          // the session ends when a child process exits
	settled chan struct{} // closed when a stdio child's stderr is all in the buffer
	once    sync.Once
	// dead reports, without waiting, that the connection failed (and why):
	// the session is then dropped before a call is made on it. Nil for
	// transports that cannot tell.
	dead func() (bool, error)
}

// lost returns why the connection was lost ([ErrConnectionLost]) when the
// transport recorded it, and nil otherwise (and for nil hooks).
func (h *hooks) lost() error {
	if h == nil || h.dead == nil {
		return nil
	}
	if dead, why := h.dead(); dead && errors.Is(why, ErrConnectionLost) {
		return why
	}
	return nil
}

// ServerInfo is what the server said about itself when connecting.
type ServerInfo struct {
	Name            string
	Title           string
	Version         string
	Instructions    string
	ProtocolVersion string
}

// newClient makes a client with checked options; d may be set later.
func newClient(name string, o options, d dialer) *Client {
	if o.name != "" {
		name = o.name
	}
	if name == "" {
		name = "mcp"
	}
	c := &Client{name: name, opts: o, dialer: d, changed: make(chan struct{})}
	if o.callTimeout > 0 {
		c.timeoutErr = fmt.Errorf("%w after %s", ErrCallTimeout, o.callTimeout)
	}
	c.life, c.cancel = context.WithCancel(context.Background())
	co := &mcp.ClientOptions{
		Logger: o.logger,
		// No roots: the go-sdk advertises them by default, and we have none.
		// The skills extension: the client can list, load and verify them.
		Capabilities:           &mcp.ClientCapabilities{Extensions: map[string]any{SkillsExtension: map[string]any{}}},
		ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) { c.toolsStale(true) },
		ElicitationHandler:     o.elicitation,
	}
	// Only one of the sampling handlers may be set, or the go-sdk panics.
	if o.sampling != nil {
		//lint:ignore SA1019 sampling is deprecated in 2026-07-28 but servers still use it.
		co.CreateMessageHandler = o.sampling
	}
	if o.progress != nil || o.progressCap > 0 {
		co.ProgressNotificationHandler = c.onProgress
	}
	c.sdk = mcp.NewClient(&mcp.Implementation{Name: "mcprun", Version: clientVersion}, co)
	c.sdk.AddSendingMiddleware(traceMiddleware, headersMiddleware(&c.rawTools))
	registerSkills(c.sdk)
	return c
}

// Name returns the name given with [WithName], or one derived from the
// command (its base name) or URL (its host).
func (c *Client) Name() string { return c.name }

// ServerInfo returns what the server said about itself on the last
// successful connect (zero before).
func (c *Client) ServerInfo() ServerInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.info
}

// Stderr returns what a stdio server wrote to stderr lately (at most
// [WithStderrLimit] bytes, the most recent); "" for other transports.
func (c *Client) Stderr() string {
	if c.stderr == nil {
		return ""
	}
	return c.stderr.String()
}

// Ping checks that the server answers: a ping request, or, with a server
// speaking MCP 2026-07-28 (which has no ping), a tools/list request.
func (c *Client) Ping(ctx context.Context) error {
	_, err := safe(ctx, c, "ping", func(ctx context.Context, cs *mcp.ClientSession) (struct{}, error) {
		return struct{}{}, ping(ctx, cs)
	})
	return err
}

// Prompts lists all the server's prompts (all pages).
func (c *Client) Prompts(ctx context.Context) ([]*mcp.Prompt, error) {
	return safe(ctx, c, "list prompts", func(ctx context.Context, cs *mcp.ClientSession) ([]*mcp.Prompt, error) {
		return collect(cs.Prompts(ctx, nil))
	})
}

// GetPrompt gets a prompt filled with args.
func (c *Client) GetPrompt(ctx context.Context, name string, args map[string]string) (*mcp.GetPromptResult, error) {
	return safe(ctx, c, fmt.Sprintf("get prompt %q", name), func(ctx context.Context, cs *mcp.ClientSession) (*mcp.GetPromptResult, error) {
		return cs.GetPrompt(ctx, &mcp.GetPromptParams{Name: name, Arguments: args})
	})
}

// Resources lists all the server's resources (all pages).
func (c *Client) Resources(ctx context.Context) ([]*mcp.Resource, error) {
	return safe(ctx, c, "list resources", func(ctx context.Context, cs *mcp.ClientSession) ([]*mcp.Resource, error) {
		return collect(cs.Resources(ctx, nil))
	})
}

// ReadResource reads the resource at uri.
func (c *Client) ReadResource(ctx context.Context, uri string) (*mcp.ReadResourceResult, error) {
	return safe(ctx, c, fmt.Sprintf("read resource %q", uri), func(ctx context.Context, cs *mcp.ClientSession) (*mcp.ReadResourceResult, error) {
		return cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri})
	})
}

func collect[T any](seq func(func(*T, error) bool)) ([]*T, error) {
	var out []*T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

func (c *Client) onProgress(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
	p := req.Params
	if p == nil {
		return
	}
	tok, _ := p.ProgressToken.(string)
	_, tool, ok := strings.Cut(tok, ":")
	if !ok {
		return // not one of ours
	}
	c.resetOnProgress(tok)
	if c.opts.progress == nil {
		return
	}
	c.opts.progress(ProgressEvent{
		Server:   c.name,
		Tool:     tool,
		Progress: p.Progress,
		Total:    p.Total,
		Message:  p.Message,
	})
}

// progressToken makes a token unique to one call that names the tool, so
// that notifications arriving after the result still say which tool.
func (c *Client) progressToken(tool string) string {
	return strconv.FormatUint(c.progressN.Add(1), 10) + ":" + tool
}
