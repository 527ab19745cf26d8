package mistral

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DefaultServerURL is the Mistral API.
const DefaultServerURL = "https://api.mistral.ai"

// Client talks to the Mistral API. It is safe for concurrent use.
type Client struct {
	apiKey     string
	serverURL  string
	http       *http.Client
	maxRetries int
	backoffMin time.Duration
	backoffMax time.Duration
	maxEvent   int
	userAgent  string
	log        *slog.Logger
}

// Option configures a Client.
type Option func(*Client)

// WithAPIKey sets the API key (default: the MISTRAL_API_KEY environment variable).
func WithAPIKey(key string) Option { return func(c *Client) { c.apiKey = key } }

// WithServerURL sets the API's base URL (default: MISTRAL_SERVER_URL, else
// https://api.mistral.ai). Tests point it at a mistraltest server.
func WithServerURL(u string) Option { return func(c *Client) { c.serverURL = u } }

// WithHTTPClient sets the HTTP client (default: a client without a global timeout,
// since streams are long; use contexts for deadlines).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithMaxRetries sets how often a failed request (429, 5xx, connection
// failure) is retried (default 4; 0 turns retries off).
func WithMaxRetries(n int) Option { return func(c *Client) { c.maxRetries = max(n, 0) } }

// WithRetryBackoff sets the first and the longest wait between retries
// (default 500ms and 30s). Retry-After, when the server sends it, wins, capped
// at 5 minutes.
func WithRetryBackoff(initial, maxWait time.Duration) Option {
	return func(c *Client) { c.backoffMin, c.backoffMax = initial, maxWait }
}

// WithLogger sets the logger (default: discard). Keys and tokens are never logged.
func WithLogger(l *slog.Logger) Option { return func(c *Client) { c.log = l } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// WithMaxEventSize caps one streamed event (default 16 MiB).
func WithMaxEventSize(n int) Option { return func(c *Client) { c.maxEvent = n } }

// NewClient returns a client. The API key comes from WithAPIKey or
// MISTRAL_API_KEY, the server from WithServerURL or MISTRAL_SERVER_URL. A key
// is required for the real API (ErrNoAPIKey) but not for another server URL,
// such as a local mistraltest server.
func NewClient(opts ...Option) (*Client, error) {
	c := &Client{
		apiKey:     os.Getenv("MISTRAL_API_KEY"),
		serverURL:  os.Getenv("MISTRAL_SERVER_URL"),
		maxRetries: 4,
		backoffMin: 500 * time.Millisecond,
		backoffMax: 30 * time.Second,
		maxEvent:   16 << 20,
		userAgent:  "mcprun-go",
	}
	for _, o := range opts {
		o(c)
	}
	if c.serverURL == "" {
		c.serverURL = DefaultServerURL
	}
	c.serverURL = strings.TrimRight(c.serverURL, "/")
	if u, err := url.Parse(c.serverURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("mistral: invalid server URL %q", c.serverURL)
	}
	if c.apiKey == "" && c.serverURL == DefaultServerURL {
		return nil, ErrNoAPIKey
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

// ServerURL is the base URL the client talks to.
func (c *Client) ServerURL() string { return c.serverURL }

// request describes one API call.
type request struct {
	method string
	path   string
	body   any
	stream bool
}

// do sends a request, retrying what is safe to retry, and returns the
// response of a 2xx answer (the caller closes its body) or an error.
func (c *Client) do(ctx context.Context, rq request) (*http.Response, error) {
	var payload []byte
	if rq.body != nil {
		var err error
		if payload, err = json.Marshal(rq.body); err != nil {
			return nil, fmt.Errorf("mistral: encoding %s %s: %w", rq.method, rq.path, err)
		}
	}
	var lastErr error
	for attempt := 0; ; attempt++ {
		resp, err := c.send(ctx, rq, payload)
		if err == nil && resp.StatusCode < 300 {
			return resp, nil
		}
		var wait time.Duration
		if err != nil {
			if ctx.Err() != nil {
				return nil, fmt.Errorf("mistral: %s %s: %w", rq.method, rq.path, ctx.Err())
			}
			lastErr = fmt.Errorf("mistral: %s %s: %w", rq.method, rq.path, redact(err))
			if !retryableNetErr(rq.method, err) {
				return nil, lastErr
			}
		} else {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			apiErr := parseAPIError(resp.StatusCode, body)
			apiErr.RequestID = firstHeader(resp.Header, "x-request-id", "mistral-correlation-id")
			apiErr.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
			lastErr = apiErr
			if !apiErr.Temporary() {
				return nil, apiErr
			}
			wait = apiErr.RetryAfter
		}
		if attempt >= c.maxRetries {
			if attempt > 0 {
				return nil, fmt.Errorf("mistral: giving up after %d attempts: %w", attempt+1, lastErr)
			}
			return nil, lastErr
		}
		if wait == 0 {
			wait = c.backoff(attempt)
		}
		wait = min(wait, 5*time.Minute)
		c.log.LogAttrs(ctx, slog.LevelWarn, "mistral: retrying", slog.String("method", rq.method),
			slog.String("path", rq.path), slog.Int("attempt", attempt+1), slog.Duration("wait", wait),
			slog.String("error", lastErr.Error()))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("mistral: %s %s: %w (last error: %v)", rq.method, rq.path, ctx.Err(), lastErr)
		case <-t.C:
		}
	}
}

// send makes one attempt.
func (c *Client) send(ctx context.Context, rq request, payload []byte) (*http.Response, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, c.serverURL+rq.path, body)
	if err != nil {
		return nil, err
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if rq.stream {
		req.Header.Set("Accept", "text/event-stream")
	} else {
		req.Header.Set("Accept", "application/json")
	}
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	req.Header.Set("User-Agent", c.userAgent)
	return c.http.Do(req)
}

// backoff is exponential with full jitter.
func (c *Client) backoff(attempt int) time.Duration {
	d := c.backoffMin << min(attempt, 20)
	if d <= 0 || d > c.backoffMax {
		d = c.backoffMax
	}
	return time.Duration(rand.Int64N(int64(d)/2+1)) + d/2
}

// retryableNetErr reports connection failures worth another attempt: a
// refused connection (the server never saw the request), and for reads (GET)
// a reset or early EOF too. A POST cut mid-way may already have been acted on
// (a conversation appended to), so it is not sent twice.
func retryableNetErr(method string, err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	return method == http.MethodGet && (errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF))
}

// redact keeps the URL error's message but drops nothing secret: the key is
// only ever in a header, never in a URL; this strips the URL's query to be safe.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			u.User = nil
			return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
		}
	}
	return err
}

// parseRetryAfter reads seconds or an HTTP date.
func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func firstHeader(h http.Header, names ...string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// call sends a request and decodes its JSON answer into out.
func (c *Client) call(ctx context.Context, rq request, out any) error {
	resp, err := c.do(ctx, rq)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("mistral: decoding %s %s answer: %w", rq.method, rq.path, err)
	}
	return nil
}

// String describes the client without its API key.
func (c *Client) String() string {
	return fmt.Sprintf("mistral.Client{server: %s, key set: %t}", c.serverURL, c.apiKey != "")
}

// GoString is String, so that %#v does not print the API key either.
func (c *Client) GoString() string { return c.String() }
