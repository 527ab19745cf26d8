package mistral

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mcprun/mcprun/internal/loopback"
	"github.com/mcprun/mcprun/internal/version"
)

// DefaultServerURL is the Mistral API.
const DefaultServerURL = "https://api.mistral.ai"

// Client talks to the Mistral API. It is safe for concurrent use.
type Client struct {
	apiKey     string
	authHeader []string // "Bearer " + apiKey, made once
	uaHeader   []string
	// conversationsURL is serverURL + conversationsPath.
	conversationsURL string
	serverURL        string
	http             *http.Client
	maxRetries       int
	backoffMin       time.Duration
	backoffMax       time.Duration
	maxEvent         int
	maxAnswer        int64
	userAgent        string
	log              *slog.Logger
	// sleep waits between retries; tests replace it to see the waits.
	sleep func(ctx context.Context, d time.Duration) error

	idle         time.Duration // see WithIdleTimeout
	maxRetryWait time.Duration // see WithRetryLimits
	maxRetryTime time.Duration
}

// NewClient returns a client configured by opts. It reads nothing from the
// environment: pass FromEnv for MISTRAL_API_KEY and MISTRAL_SERVER_URL.
//
// An invalid option is an error naming it. An API key is required for the
// Mistral API itself (ErrNoAPIKey when none is given and the server is
// DefaultServerURL) but not for another server, such as a local mistraltest
// server, which may need none.
func NewClient(opts ...Option) (*Client, error) {
	var o options
	for _, opt := range opts {
		if opt == nil {
			return nil, errors.New("mistral: NewClient: nil Option")
		}
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("mistral: %w", err)
		}
	}
	c := &Client{
		apiKey:     o.apiKey,
		serverURL:  cmp.Or(o.serverURL, DefaultServerURL),
		http:       o.http,
		maxRetries: 4,
		backoffMin: cmp.Or(o.backoffMin, 500*time.Millisecond),
		backoffMax: cmp.Or(o.backoffMax, 30*time.Second),
		maxEvent:   cmp.Or(o.maxEvent, 16<<20),
		maxAnswer:  cmp.Or(o.maxAnswer, DefaultMaxAnswerSize),
		userAgent:  cmp.Or(o.userAgent, version.UserAgent()),
		log:        o.log,
		sleep:      sleepCtx,

		idle:         DefaultIdleTimeout,
		maxRetryWait: cmp.Or(o.maxRetryWait, DefaultMaxRetryWait),
		maxRetryTime: cmp.Or(o.maxRetryTime, DefaultMaxRetryTime),
	}
	if o.idle != nil {
		c.idle = *o.idle
	}
	if o.maxRetries != nil {
		c.maxRetries = *o.maxRetries
	}
	if c.apiKey == "" && c.serverURL == DefaultServerURL {
		return nil, ErrNoAPIKey
	}
	if u, err := url.Parse(c.serverURL); err == nil && u.Scheme == "http" && !loopback.Host(u.Hostname()) && !o.plainHTTP {
		return nil, fmt.Errorf("%w: %s (use https, or AllowPlainHTTP)", ErrPlainHTTP, u.Redacted())
	}
	switch {
	case c.http == nil:
		c.http = &http.Client{Transport: newTransport(cmp.Or(o.maxIdleConns, DefaultMaxIdleConns))}
	case o.maxIdleConns != 0:
		return nil, errors.New("mistral: WithMaxIdleConns: not with WithHTTPClient, whose transport is the caller's")
	}
	if c.apiKey != "" {
		c.authHeader = []string{"Bearer " + c.apiKey}
	}
	c.uaHeader = []string{c.userAgent}
	c.conversationsURL = c.serverURL + conversationsPath
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
	if a, ok := rq.body.(jsonAppender); ok {
		payload, ok = a.appendJSON(make([]byte, 0, 512))
		if !ok {
			payload = nil // json.Marshal says why
		}
	}
	if rq.body != nil && payload == nil {
		var err error
		if payload, err = json.Marshal(rq.body); err != nil {
			return nil, fmt.Errorf("mistral: encoding %s %s: %w", rq.method, rq.path, err)
		}
	}
	var lastErr error
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		actx, guard := guardIdle(ctx, c.idle)
		resp, err := c.send(actx, rq, payload)
		if err == nil && resp.StatusCode < 300 {
			resp.Body = guard.body(actx, resp.Body)
			return resp, nil
		}
		if idle := guard.err(actx); idle != nil {
			guard.stop()
			return nil, fmt.Errorf("mistral: %s %s: %w", rq.method, rq.path, idle)
		}
		var wait time.Duration
		if err != nil {
			guard.stop()
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
			guard.stop()
			apiErr := parseAPIError(resp.StatusCode, body)
			apiErr.RequestID = firstHeader(resp.Header, "x-request-id", "mistral-correlation-id")
			apiErr.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"))
			lastErr = apiErr
			if !apiErr.Retryable() {
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
		retryAfter := wait > 0
		if wait == 0 {
			wait = c.backoff(attempt)
		}
		if err := c.retryBudget(wait, waited, retryAfter); err != nil {
			return nil, fmt.Errorf("mistral: %s %s: %w: %w", rq.method, rq.path, err, lastErr)
		}
		wait = min(wait, c.maxRetryWait)
		waited += wait
		// A rate limit is worth telling the user about (info); other
		// retries are the API's trouble (warn).
		level, msg := slog.LevelWarn, "mistral: retrying"
		var ae *APIError
		if errors.As(lastErr, &ae) && ae.StatusCode == http.StatusTooManyRequests {
			level, msg = slog.LevelInfo, "mistral: rate limited, waiting"
		}
		c.log.LogAttrs(ctx, level, msg, slog.String("method", rq.method),
			slog.String("path", rq.path), slog.Int("attempt", attempt+1), slog.Duration("wait", wait),
			slog.String("error", lastErr.Error()))
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("mistral: %s %s: %w (last error: %v)", rq.method, rq.path, err, lastErr)
		}
	}
}

// sleepCtx waits d, or returns ctx's error if ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// send makes one attempt.
func (c *Client) send(ctx context.Context, rq request, payload []byte) (*http.Response, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	u := c.conversationsURL // the most frequent, made once
	if rq.path != conversationsPath {
		u = c.serverURL + rq.path
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, u, body)
	if err != nil {
		return nil, err
	}
	// Canonical names and values made once (Header.Set makes both per call).
	h := req.Header
	if payload != nil {
		h["Content-Type"] = headerJSON
	}
	if rq.stream {
		h["Accept"] = headerStream
	} else {
		h["Accept"] = headerJSON
	}
	if c.authHeader != nil {
		h["Authorization"] = c.authHeader
	}
	h["User-Agent"] = c.uaHeader
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
	// Read whole into a pooled buffer and decoded in place: a json.Decoder
	// would grow a buffer of its own for every answer.
	// The answer is bounded (WithMaxAnswerSize): one known to be larger is
	// refused unread, one that turns out larger when read too.
	if resp.ContentLength > c.maxAnswer {
		return c.answerTooLarge(rq)
	}
	buf := answerBuffers.Get().(*bytes.Buffer)
	defer putAnswerBuffer(buf)
	buf.Reset()
	data, err := readAnswer(resp.Body, resp.ContentLength, buf, c.maxAnswer)
	if errors.Is(err, ErrAnswerTooLarge) {
		return c.answerTooLarge(rq)
	}
	if err != nil {
		return fmt.Errorf("mistral: reading %s %s answer: %w", rq.method, rq.path, err)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("mistral: decoding %s %s answer: %w", rq.method, rq.path, err)
	}
	return nil
}

func (c *Client) answerTooLarge(rq request) error {
	return fmt.Errorf("%w: the answer to %s %s is larger than %d bytes (WithMaxAnswerSize)", ErrAnswerTooLarge, rq.method, rq.path, c.maxAnswer)
}

// smallAnswer is how much of an answer of unknown length is read into the
// pooled buffer; past it, the rest is read in chunks.
const smallAnswer = 1 << 20

// readAnswer reads a whole answer of at most max bytes. An answer of
// known length is read into buf, grown once; one of unknown length (the
// API's are chunked) into buf up to smallAnswer, then in chunks joined once
// at the end: growing a buffer by doubling would hold up to three times
// the answer while it grows, and twice the bound for an answer it refuses.
func readAnswer(r io.Reader, length int64, buf *bytes.Buffer, max int64) ([]byte, error) {
	if length >= 0 {
		buf.Grow(int(length) + bytes.MinRead)
		if _, err := buf.ReadFrom(io.LimitReader(r, max+1)); err != nil {
			return nil, err
		}
		if int64(buf.Len()) > max {
			return nil, ErrAnswerTooLarge
		}
		return buf.Bytes(), nil
	}
	n, err := buf.ReadFrom(io.LimitReader(r, min(smallAnswer, max+1)))
	if err != nil {
		return nil, err
	}
	if n > max {
		return nil, ErrAnswerTooLarge
	}
	if n < smallAnswer {
		return buf.Bytes(), nil
	}
	chunks := [][]byte{bytes.Clone(buf.Bytes())}
	total := n
	for {
		chunk := make([]byte, min(4<<20, max+1-total+1))
		k, err := io.ReadFull(r, chunk)
		total += int64(k)
		if total > max {
			return nil, ErrAnswerTooLarge
		}
		if k > 0 {
			chunks = append(chunks, chunk[:k])
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return bytes.Join(chunks, nil), nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// answerBuffers holds the buffers answers are read into. Decoding copies
// what it keeps, so a buffer is free again once decoded.
var answerBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putAnswerBuffer(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 { // an outsized answer's buffer is not kept
		answerBuffers.Put(b)
	}
}

// String describes the client without its API key.
func (c *Client) String() string {
	return fmt.Sprintf("mistral.Client{server: %s, key set: %t}", c.serverURL, c.apiKey != "")
}

// GoString is String, so that %#v does not print the API key either.
func (c *Client) GoString() string { return c.String() }
