package mcpclient

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

const (
	defaultConnectTimeout = 30 * time.Second
	defaultCallTimeout    = 60 * time.Second
	defaultReconnect      = 5
	defaultStderrLimit    = 64 << 10
)

// An Option configures a [Client].
type Option func(*options)

type options struct {
	name           string
	logger         *slog.Logger
	connectTimeout time.Duration
	callTimeout    time.Duration
	progress       func(ProgressEvent)
	toolsChanged   func([]Tool)
	//lint:ignore SA1019 sampling is deprecated in 2026-07-28 but servers still use it; the run loop answers it.
	sampling         func(context.Context, *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error)
	elicitation      func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error)
	httpClient       *http.Client
	roundTripper     http.RoundTripper
	oauth            auth.OAuthHandler
	reconnect        int
	stderrLimit      int
	terminateTimeout time.Duration
}

func buildOptions(opts []Option) options {
	o := options{
		connectTimeout: defaultConnectTimeout,
		callTimeout:    defaultCallTimeout,
		reconnect:      defaultReconnect,
		stderrLimit:    defaultStderrLimit,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// WithName sets the name the client reports in errors, logs and progress
// events. By default it is the command's base name (stdio) or the URL's host.
func WithName(name string) Option { return func(o *options) { o.name = name } }

// WithLogger sets where the client logs warnings (skipped tools, reconnects).
// By default nothing is logged.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// WithConnectTimeout bounds [Client.Connect] (starting the server and the
// initialize handshake). The default is 30 s; d <= 0 means no bound other
// than the caller's context.
func WithConnectTimeout(d time.Duration) Option { return func(o *options) { o.connectTimeout = d } }

// WithCallTimeout bounds each tool call and each other request. The default
// is 60 s; d <= 0 means no bound other than the caller's context. A tool call
// that runs past it is cancelled (the server receives
// notifications/cancelled) and comes back as an error result the model can
// read; see [Client.CallTool].
func WithCallTimeout(d time.Duration) Option { return func(o *options) { o.callTimeout = d } }

// A ProgressEvent is a notifications/progress message about a tool call.
type ProgressEvent struct {
	Server   string  // the client's name
	Tool     string  // the tool's original name
	Progress float64 // increases with every event
	Total    float64 // 0 when unknown
	Message  string  // optional
}

// WithProgress asks servers for progress on every tool call and passes the
// events to fn. fn runs on the connection's reader: it must not block, nor
// call the client.
func WithProgress(fn func(ProgressEvent)) Option { return func(o *options) { o.progress = fn } }

// WithToolsChanged registers fn to be called with the new tool list after
// the server announced a change (notifications/tools/list_changed) or after
// a reconnect found a different list. fn runs on a goroutine of the client
// and must not call [Client.Close].
func WithToolsChanged(fn func([]Tool)) Option { return func(o *options) { o.toolsChanged = fn } }

// WithSamplingHandler answers the server's sampling/createMessage requests,
// and advertises the sampling capability.
//
//lint:ignore SA1019 sampling is deprecated in 2026-07-28 but servers still use it; the run loop answers it.
func WithSamplingHandler(fn func(context.Context, *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error)) Option {
	return func(o *options) { o.sampling = fn }
}

// WithElicitationHandler answers the server's elicitation/create requests,
// and advertises the elicitation capability.
func WithElicitationHandler(fn func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error)) Option {
	return func(o *options) { o.elicitation = fn }
}

// WithHTTPClient sets the HTTP client the HTTP transports use. Its
// Transport is wrapped (static headers, [WithRoundTripper]); the client
// itself is not modified.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithRoundTripper sets a RoundTripper that every HTTP request of the HTTP
// transports goes through, after static headers are set: the slot for
// authentication on transports without an OAuth handler (legacy SSE).
// Typically it wraps the transport it is given; if rt is nil this is a no-op.
func WithRoundTripper(rt http.RoundTripper) Option { return func(o *options) { o.roundTripper = rt } }

// WithOAuthHandler sets the OAuth handler of the Streamable HTTP transport
// (see the go-sdk's auth package). The legacy SSE transport has no such
// slot; authenticate it with [WithRoundTripper].
func WithOAuthHandler(h auth.OAuthHandler) Option { return func(o *options) { o.oauth = h } }

// WithReconnect sets how many times in a row the supervisor tries to
// reconnect a server whose connection broke, with exponential backoff,
// before giving up (the next call then tries once more). The default is 5;
// 0 turns the supervisor off.
func WithReconnect(maxAttempts int) Option { return func(o *options) { o.reconnect = maxAttempts } }

// WithStderrLimit sets how many bytes of a stdio server's stderr are kept
// (the most recent ones). The default is 64 KiB.
func WithStderrLimit(n int) Option { return func(o *options) { o.stderrLimit = n } }

// WithTerminateTimeout sets how long Close waits for a stdio server to exit
// after its stdin is closed before signalling it (SIGTERM, then SIGKILL after
// the same delay). The default is the go-sdk's, 5 s.
func WithTerminateTimeout(d time.Duration) Option {
	return func(o *options) { o.terminateTimeout = d }
}
