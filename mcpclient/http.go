package mcpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// An HTTPTransport says which MCP transport [NewHTTP] speaks; see
// [WithHTTPTransport].
type HTTPTransport int

const (
	// Auto tries Streamable HTTP and falls back to legacy HTTP+SSE (the
	// default).
	Auto HTTPTransport = iota
	// Streamable speaks Streamable HTTP only (protocol 2025-03-26 and later).
	Streamable
	// SSE speaks the legacy HTTP+SSE transport only (protocol 2024-11-05).
	SSE
)

// String returns "auto", "streamable" or "sse".
func (t HTTPTransport) String() string {
	switch t {
	case Auto:
		return "auto"
	case Streamable:
		return "streamable"
	case SSE:
		return "sse"
	}
	return fmt.Sprintf("HTTPTransport(%d)", int(t))
}

// NewHTTP returns a client for a server at rawURL (http or https) that
// speaks Streamable HTTP or, failing that, legacy HTTP+SSE: following the
// MCP specification's backwards-compatibility section, a 4xx answer (other
// than 401/403) to the first POST makes it try a GET event stream at the
// same URL. The transport that worked is kept for reconnects.
// [WithHTTPTransport] forces one of the two.
//
// Every HTTP option applies to both transports: [WithHeaders],
// [WithDialTimeout], [WithHTTPClient], [WithRoundTripper] and
// [WithOAuthHandler] (on the legacy transport, which has no OAuth slot of
// its own, the client adds the bearer token and calls the handler's
// Authorize on a 401 or 403 itself); [WithSSEReadTimeout] applies to the
// legacy transport's event stream. A Streamable HTTP session the server
// expired (404) is re-initialised by the supervisor.
//
// NewHTTP fails if rawURL is not an absolute http or https URL, or an
// option is invalid or does not apply (a stdio option such as [WithEnv];
// [WithSSEReadTimeout] with [Streamable] forced).
func NewHTTP(rawURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("mcpclient: NewHTTP: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("mcpclient: NewHTTP: %q is not an absolute http or https URL", rawURL)
	}
	o, err := buildOptions(familyHTTP, opts)
	if err != nil {
		return nil, err
	}
	if o.transport == Streamable && o.sseReadTimeout > 0 {
		return nil, errors.New("mcpclient: WithSSEReadTimeout applies to the legacy SSE transport, and Streamable is forced")
	}
	c := newClient(u.Host, o, nil)
	var status atomic.Int32 // status of the last initial POST, for the fallback
	streamHC, sseHC, err := c.httpClients(originOf(u), &status)
	if err != nil {
		c.cancel()
		return nil, err
	}
	switch o.transport {
	case Streamable:
		c.dialer = func(ctx context.Context, c *Client) (*mcp.ClientSession, *hooks, error) {
			return c.dialStreamable(ctx, rawURL, streamHC)
		}
	case SSE:
		c.dialer = func(ctx context.Context, c *Client) (*mcp.ClientSession, *hooks, error) {
			return c.dialSSE(ctx, rawURL, sseHC)
		}
	default:
		var mu sync.Mutex
		useSSE := false
		c.dialer = func(ctx context.Context, c *Client) (*mcp.ClientSession, *hooks, error) {
			mu.Lock()
			sse := useSSE
			mu.Unlock()
			if sse {
				return c.dialSSE(ctx, rawURL, sseHC)
			}
			status.Store(0)
			cs, h, err := c.dialStreamable(ctx, rawURL, streamHC)
			if err == nil {
				return cs, h, nil
			}
			code := int(status.Load())
			if code < 400 || code > 499 || code == http.StatusUnauthorized || code == http.StatusForbidden || ctx.Err() != nil {
				return nil, h, err
			}
			c.opts.logger.Info("mcp server refused Streamable HTTP; trying legacy SSE", "server", c.name, "status", code)
			cs, h, err2 := c.dialSSE(ctx, rawURL, sseHC)
			if err2 != nil {
				return nil, h, fmt.Errorf("streamable HTTP: %w; legacy SSE: %w", err, err2)
			}
			mu.Lock()
			useSSE = true
			mu.Unlock()
			return cs, h, nil
		}
	}
	return c, nil
}

func (c *Client) dialStreamable(ctx context.Context, endpoint string, hc *http.Client) (*mcp.ClientSession, *hooks, error) {
	c.dialing.Store(&ctx) // the standalone GET obeys this connect (see standaloneGET)
	defer c.dialing.Store(nil)
	t := &mcp.StreamableClientTransport{Endpoint: endpoint, HTTPClient: hc, OAuthHandler: c.opts.oauth}
	cs, err := c.sdk.Connect(ctx, t, nil)
	if err == nil && ctx.Err() != nil {
		// Cancelled while the standalone GET waited: the session came
		// up, but the caller no longer wants it.
		_ = cs.Close()
		return nil, nil, ctx.Err()
	}
	return cs, nil, err
}

// dialSSE connects over legacy SSE. The go-sdk ties the event stream to
// the context given to Connect, so it gets one that outlives the connect
// timeout and ends with the session (or Close).
func (c *Client) dialSSE(ctx context.Context, endpoint string, hc *http.Client) (*mcp.ClientSession, *hooks, error) {
	streamCtx, cancel := context.WithCancel(c.life)
	stop := context.AfterFunc(ctx, cancel) // the connect itself still obeys ctx
	t := &sseTransport{inner: &mcp.SSEClientTransport{Endpoint: endpoint, HTTPClient: hc}, ctx: streamCtx}
	cs, err := c.sdk.Connect(ctx, t, nil)
	if !stop() || err != nil {
		cancel()
		if err == nil {
			_ = cs.Close()
			err = ctx.Err()
		}
		return nil, nil, err
	}
	return cs, &hooks{cleanup: cancel}, nil
}

type sseTransport struct {
	inner *mcp.SSEClientTransport
	ctx   context.Context
}

func (t *sseTransport) Connect(context.Context) (mcp.Connection, error) {
	return t.inner.Connect(t.ctx)
}

// httpClients builds the clients of the two transports. Each request goes
// through, outermost first: the static headers (and, for the Streamable
// transport, the recording of the initial POST's status; for the legacy
// one, the OAuth handler and the event stream's read timeout), then the
// [WithRoundTripper] wrappers, last given outermost, then the base
// transport: the [WithHTTPClient] client's, or one of our own.
// maxIdleConnsPerServer is how many idle connections to its server an HTTP
// client of ours keeps.
const maxIdleConnsPerServer = 64

func (c *Client) httpClients(origin string, status *atomic.Int32) (streamable, sse *http.Client, err error) {
	o := &c.opts
	var base http.RoundTripper
	if o.httpClient != nil && o.httpClient.Transport != nil {
		if o.dialTimeout > 0 {
			return nil, nil, errors.New("mcpclient: WithDialTimeout applies to the client's own transport, and WithHTTPClient gives one: set the dial timeout there")
		}
		base = o.httpClient.Transport
	} else {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// Concurrent calls to one server each hold a connection: keep them
		// (Go's default keeps 2 per host, and the others would be opened
		// again for every call).
		tr.MaxIdleConnsPerHost = maxIdleConnsPerServer
		if d := o.dialTimeout; d > 0 {
			tr.DialContext = (&net.Dialer{Timeout: d, KeepAlive: 30 * time.Second}).DialContext
			tr.TLSHandshakeTimeout = d
			// No ResponseHeaderTimeout: a server answering a long tool
			// call with plain JSON sends its headers only at the end.
			// Calls are bounded by WithCallTimeout instead.
		}
		c.httpTr = tr
		base = tr
	}
	for i, wrap := range o.wrappers {
		next := wrap(base)
		if next == nil {
			return nil, nil, fmt.Errorf("mcpclient: WithRoundTripper: wrapper %d returned nil", i+1)
		}
		base = next
	}
	mk := func(rt http.RoundTripper) *http.Client {
		hc := &http.Client{}
		if o.httpClient != nil {
			*hc = *o.httpClient //nolint:govet // copying the config, not a lock
		}
		hc.Timeout = 0 // would end event streams; calls are bounded by WithCallTimeout
		hc.Transport = rt
		hc.CheckRedirect = refuseOtherOrigins(origin, hc.CheckRedirect)
		return hc
	}
	get := &standaloneGET{dialing: &c.dialing, life: c.life, wait: standaloneWait(o.connectTimeout)}
	streamable = mk(&headerTransport{next: base, origin: origin, refused: &c.refused, headers: o.headers, status: status, standalone: get})
	sseNext := base
	if o.oauth != nil {
		sseNext = &oauthTransport{h: o.oauth, next: base}
	}
	sse = mk(&headerTransport{next: sseNext, origin: origin, refused: &c.refused, headers: o.headers, readTimeout: o.sseReadTimeout})
	return streamable, sse, nil
}

// headerTransport refuses requests to other origins than the server's,
// sets static headers, records the status of initial POSTs (for NewHTTP's
// fallback), bounds the standalone GET and silent event streams.
type headerTransport struct {
	next        http.RoundTripper
	origin      string
	refused     *atomic.Pointer[error] // where a refusal is recorded for Connect
	headers     map[string]string
	readTimeout time.Duration
	status      *atomic.Int32
	standalone  *standaloneGET // Streamable HTTP only
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := checkOrigin(t.origin, req); err != nil {
		closeBody(req)
		if t.refused != nil {
			t.refused.Store(&err)
		}
		return nil, err
	}
	if len(t.headers) > 0 {
		req = req.Clone(req.Context())
		for k, v := range t.headers {
			if req.Header.Get(k) == "" {
				req.Header.Set(k, v)
			}
		}
	}
	var resp *http.Response
	var err error
	if t.standalone != nil && req.Method == http.MethodGet {
		resp, err = t.standalone.roundTrip(t.next, req)
	} else {
		resp, err = t.next.RoundTrip(req)
	}
	if err != nil {
		return nil, err
	}
	if t.status != nil && req.Method == http.MethodPost && req.Header.Get("Mcp-Session-Id") == "" {
		t.status.Store(int32(resp.StatusCode))
	}
	if t.readTimeout > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body = newIdleBody(resp.Body, t.readTimeout)
	}
	return resp, nil
}

// idleBody closes an event stream that delivers nothing for d.
type idleBody struct {
	io.ReadCloser
	d     time.Duration
	timer *time.Timer
	fired atomic.Bool
}

func newIdleBody(rc io.ReadCloser, d time.Duration) *idleBody {
	b := &idleBody{ReadCloser: rc, d: d}
	b.timer = time.AfterFunc(d, func() {
		b.fired.Store(true)
		_ = rc.Close()
	})
	return b
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.timer.Reset(b.d)
	}
	if err != nil && b.fired.Load() {
		err = fmt.Errorf("event stream silent for %s: %w", b.d, errors.Join(err, io.ErrUnexpectedEOF))
	}
	return n, err
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	return b.ReadCloser.Close()
}
