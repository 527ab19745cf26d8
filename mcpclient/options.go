package mcpclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
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

// An Option configures a [Client]. Options validate their argument: an
// invalid one (a negative timeout, an empty name, a nil function) makes the
// constructor fail, as does an option that does not apply to the transport
// being built (a stdio option such as [WithEnv] given to [NewHTTP]).
// Leaving an option out is always valid and means its documented default.
type Option func(*options) error

// family is the kind of transport a constructor builds; options that apply
// to one family only record it.
type family int

const (
	familyAny family = iota
	familyStdio
	familyHTTP
)

func (f family) String() string {
	switch f {
	case familyStdio:
		return "NewStdio"
	case familyHTTP:
		return "NewHTTP"
	}
	return "any"
}

type options struct {
	name           string
	logger         *slog.Logger
	connectTimeout time.Duration
	callTimeout    time.Duration
	progress       func(ProgressEvent)
	progressCap    time.Duration // WithResetTimeoutOnProgress; 0: off
	pins           PinStore      // WithToolPins; nil: off
	pinsStrict     bool
	pinChanged     func(ToolChange)
	toolsChanged   func([]Tool)
	//lint:ignore SA1019 sampling is deprecated in 2026-07-28 but servers still use it; the run loop answers it.
	sampling    func(context.Context, *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error)
	elicitation func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error)
	reconnect   int

	// stdio
	env              map[string]string
	inheritEnv       bool
	dir              string
	stderrLimit      int
	terminateTimeout time.Duration
	sdkStdio         bool // the go-sdk's CommandTransport instead of ours
	maxLine          int  // our stdio transport's bound on a message; 0: the go-sdk's

	// HTTP
	transport      HTTPTransport
	headers        map[string]string
	dialTimeout    time.Duration
	sseReadTimeout time.Duration
	httpClient     *http.Client
	wrappers       []func(http.RoundTripper) http.RoundTripper
	oauth          auth.OAuthHandler

	only []scoped // options that apply to one family, in the order given
}

// scoped records an option that applies to one transport family.
type scoped struct {
	option string
	family family
}

func (o *options) onlyFor(f family, option string) {
	o.only = append(o.only, scoped{option, f})
}

// buildOptions applies opts for a constructor of family f.
func buildOptions(f family, opts []Option) (options, error) {
	o := options{
		connectTimeout: defaultConnectTimeout,
		callTimeout:    defaultCallTimeout,
		reconnect:      defaultReconnect,
		stderrLimit:    defaultStderrLimit,
	}
	var errs []error
	for _, opt := range opts {
		if opt == nil {
			errs = append(errs, errors.New("mcpclient: nil Option"))
			continue
		}
		if err := opt(&o); err != nil {
			errs = append(errs, err)
		}
	}
	if err := o.checkProgressCap(); err != nil {
		errs = append(errs, err)
	}
	for _, s := range o.only {
		if s.family != f {
			errs = append(errs, fmt.Errorf("mcpclient: %s applies to %s clients only", s.option, s.family))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return options{}, err
	}
	if o.logger == nil {
		o.logger = slog.New(slog.DiscardHandler)
	}
	return o, nil
}

func optErr(option, format string, args ...any) error {
	return fmt.Errorf("mcpclient: %s: %s", option, fmt.Sprintf(format, args...))
}

// WithName sets the name the client reports in errors, logs and progress
// events. By default it is the command's base name (stdio), the URL's host
// (HTTP) or "in-memory". An empty name is an error.
func WithName(name string) Option {
	return func(o *options) error {
		if strings.TrimSpace(name) == "" {
			return optErr("WithName", "empty name")
		}
		o.name = name
		return nil
	}
}

// WithLogger sets where the client logs warnings (skipped tools, reconnects).
// By default nothing is logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return optErr("WithLogger", "nil logger")
		}
		o.logger = l
		return nil
	}
}

// WithConnectTimeout bounds [Client.Connect] (starting the server and the
// initialize handshake). The default is 30 s; 0 means no bound other than
// the caller's context; a negative duration is an error.
func WithConnectTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return optErr("WithConnectTimeout", "negative duration %s", d)
		}
		o.connectTimeout = d
		return nil
	}
}

// WithCallTimeout bounds each tool call and each other request. The default
// is 60 s; 0 means no bound other than the caller's context; a negative
// duration is an error. A tool call that runs past it is cancelled (the
// server receives notifications/cancelled) and fails with an error matching
// [ErrCallTimeout]; see [Client.CallTool].
func WithCallTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return optErr("WithCallTimeout", "negative duration %s", d)
		}
		o.callTimeout = d
		return nil
	}
}

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
func WithProgress(fn func(ProgressEvent)) Option {
	return func(o *options) error {
		if fn == nil {
			return optErr("WithProgress", "nil function")
		}
		o.progress = fn
		return nil
	}
}

// WithToolsChanged registers fn to be called with the new tool list after
// the server announced a change (notifications/tools/list_changed) or after
// a reconnect found a different list. fn runs on a goroutine of the client
// and must not call [Client.Close].
func WithToolsChanged(fn func([]Tool)) Option {
	return func(o *options) error {
		if fn == nil {
			return optErr("WithToolsChanged", "nil function")
		}
		o.toolsChanged = fn
		return nil
	}
}

// WithSamplingHandler answers the server's sampling/createMessage requests,
// and advertises the sampling capability.
//
//lint:ignore SA1019 sampling is deprecated in 2026-07-28 but servers still use it; the run loop answers it.
func WithSamplingHandler(fn func(context.Context, *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error)) Option {
	return func(o *options) error {
		if fn == nil {
			return optErr("WithSamplingHandler", "nil function")
		}
		o.sampling = fn
		return nil
	}
}

// WithElicitationHandler answers the server's elicitation/create requests,
// and advertises the elicitation capability.
func WithElicitationHandler(fn func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error)) Option {
	return func(o *options) error {
		if fn == nil {
			return optErr("WithElicitationHandler", "nil function")
		}
		o.elicitation = fn
		return nil
	}
}

// WithReconnect sets how many times in a row the supervisor tries to
// reconnect a server whose connection broke, with exponential backoff,
// before giving up (the next call then tries once more). The default is 5;
// 0 turns the supervisor off; a negative count is an error.
func WithReconnect(maxAttempts int) Option {
	return func(o *options) error {
		if maxAttempts < 0 {
			return optErr("WithReconnect", "negative count %d", maxAttempts)
		}
		o.reconnect = maxAttempts
		return nil
	}
}
