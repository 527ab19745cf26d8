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

// SSEParams says how to reach a server over the legacy HTTP+SSE transport
// (protocol 2024-11-05).
type SSEParams struct {
	URL string
	// Headers are set on every request (e.g. an API key).
	Headers map[string]string
	// Timeout bounds dialing and the TLS handshake of each HTTP connection;
	// 0 means the defaults. Requests are bounded by [WithCallTimeout] and
	// [WithConnectTimeout]; long-lived event streams are not cut.
	Timeout time.Duration
	// ReadTimeout ends an event stream that stays silent this long (the
	// supervisor then reconnects); 0 means no bound.
	ReadTimeout time.Duration
}

// HTTPParams says how to reach a server over Streamable HTTP.
type HTTPParams struct {
	URL string
	// Headers are set on every request (e.g. an API key).
	Headers map[string]string
	// Timeout bounds dialing and the TLS handshake of each HTTP connection;
	// 0 means the defaults. Requests are bounded by [WithCallTimeout] and
	// [WithConnectTimeout]; long-lived event streams are not cut.
	Timeout time.Duration
}

// NewSSE returns a client for a server on the legacy HTTP+SSE transport.
// Authenticate it with headers or [WithRoundTripper]; it has no OAuth
// handler slot.
func NewSSE(p SSEParams, opts ...Option) *Client {
	c := newClient(hostOf(p.URL), nil, opts)
	hc := c.httpClient(p.Headers, p.Timeout, p.ReadTimeout, nil)
	c.dialer = func(ctx context.Context, c *Client) (*mcp.ClientSession, *hooks, error) {
		return c.dialSSE(ctx, p.URL, hc)
	}
	return c
}

// NewStreamableHTTP returns a client for a server on the Streamable HTTP
// transport. [WithOAuthHandler] sets the transport's OAuth handler. A
// session the server expired (404) is re-initialised by the supervisor.
func NewStreamableHTTP(p HTTPParams, opts ...Option) *Client {
	c := newClient(hostOf(p.URL), nil, opts)
	hc := c.httpClient(p.Headers, p.Timeout, 0, nil)
	c.dialer = func(ctx context.Context, c *Client) (*mcp.ClientSession, *hooks, error) {
		return c.dialStreamable(ctx, p.URL, hc)
	}
	return c
}

// NewHTTP returns a client for a server at url that speaks Streamable HTTP
// or, failing that, legacy HTTP+SSE: following the MCP specification's
// backwards-compatibility section, a 4xx answer (other than 401/403) to the
// first POST makes it try a GET event stream at the same URL. The transport
// that worked is kept for reconnects.
func NewHTTP(url string, opts ...Option) *Client {
	c := newClient(hostOf(url), nil, opts)
	var status atomic.Int32 // status of the last initial POST
	hc := c.httpClient(nil, 0, 0, &status)
	var mu sync.Mutex
	useSSE := false
	c.dialer = func(ctx context.Context, c *Client) (*mcp.ClientSession, *hooks, error) {
		mu.Lock()
		sse := useSSE
		mu.Unlock()
		if sse {
			return c.dialSSE(ctx, url, hc)
		}
		status.Store(0)
		cs, h, err := c.dialStreamable(ctx, url, hc)
		if err == nil {
			return cs, h, nil
		}
		code := int(status.Load())
		if code < 400 || code > 499 || code == http.StatusUnauthorized || code == http.StatusForbidden || ctx.Err() != nil {
			return nil, h, err
		}
		c.opts.logger.Info("mcp server refused Streamable HTTP; trying legacy SSE", "server", c.name, "status", code)
		cs, h, err2 := c.dialSSE(ctx, url, hc)
		if err2 != nil {
			return nil, h, fmt.Errorf("streamable HTTP: %w; legacy SSE: %w", err, err2)
		}
		mu.Lock()
		useSSE = true
		mu.Unlock()
		return cs, h, nil
	}
	return c
}

func (c *Client) dialStreamable(ctx context.Context, endpoint string, hc *http.Client) (*mcp.ClientSession, *hooks, error) {
	t := &mcp.StreamableClientTransport{Endpoint: endpoint, HTTPClient: hc, OAuthHandler: c.opts.oauth}
	cs, err := c.sdk.Connect(ctx, t, nil)
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

// httpClient builds the client the HTTP transports use: static headers,
// then the [WithRoundTripper] transport (or ours, or the one of
// [WithHTTPClient]).
func (c *Client) httpClient(headers map[string]string, timeout, readTimeout time.Duration, status *atomic.Int32) *http.Client {
	var base http.RoundTripper
	switch {
	case c.opts.roundTripper != nil:
		base = c.opts.roundTripper
	case c.opts.httpClient != nil && c.opts.httpClient.Transport != nil:
		base = c.opts.httpClient.Transport
	default:
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if timeout > 0 {
			tr.DialContext = (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext
			tr.TLSHandshakeTimeout = timeout
			// No ResponseHeaderTimeout: a server answering a long tool
			// call with plain JSON sends its headers only at the end.
			// Calls are bounded by WithCallTimeout instead.
		}
		c.httpTr = tr
		base = tr
	}
	hc := &http.Client{}
	if c.opts.httpClient != nil {
		*hc = *c.opts.httpClient //nolint:govet // copying the config, not a lock
	}
	hc.Timeout = 0 // would end event streams; Timeout is applied per phase above
	hc.Transport = &headerTransport{next: base, headers: headers, readTimeout: readTimeout, status: status}
	return hc
}

// headerTransport sets static headers, records the status of initial
// POSTs (for NewHTTP's fallback) and bounds silent event streams.
type headerTransport struct {
	next        http.RoundTripper
	headers     map[string]string
	readTimeout time.Duration
	status      *atomic.Int32
}

func (t *headerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if len(t.headers) > 0 {
		req = req.Clone(req.Context())
		for k, v := range t.headers {
			if req.Header.Get(k) == "" {
				req.Header.Set(k, v)
			}
		}
	}
	resp, err := t.next.RoundTrip(req)
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

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}
