package mistral

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const secretKey = "sk-very-secret-test-key"

func newTestClient(t *testing.T, url string, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient(append([]Option{WithServerURL(url), WithAPIKey(secretKey), WithRetryBackoff(time.Millisecond, 5*time.Millisecond)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const okResponse = `{"object":"conversation.response","conversation_id":"conv_1","outputs":[{"object":"entry","type":"message.output","role":"assistant","content":"hi"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`

func TestStartConversationSendsKeyAndDecodes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+secretKey || r.URL.Path != "/v1/conversations" || r.Method != http.MethodPost {
			http.Error(w, `{"message":"bad"}`, 400)
			return
		}
		body, _ := io.ReadAll(r.Body)
		if !bytes.Contains(body, []byte(`"stream":false`)) || !bytes.Contains(body, []byte(`"inputs":"hello"`)) {
			http.Error(w, `{"message":"bad body"}`, 400)
			return
		}
		io.WriteString(w, okResponse)
	}))
	defer srv.Close()
	resp, err := newTestClient(t, srv.URL).StartConversation(context.Background(), &ConversationRequest{Inputs: TextInputs("hello"), Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.ConversationID != "conv_1" || len(resp.Outputs) != 1 || resp.Usage.TotalTokens != 2 {
		t.Errorf("%+v", resp)
	}
}

// recordSleeps makes c's waits between retries instant and records them.
func recordSleeps(c *Client) *[]time.Duration {
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	return &waits
}

// A 429 with Retry-After is retried after exactly that wait; a 503 without
// one after the backoff.
func TestRetryAfterThenSuccess(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(429)
			io.WriteString(w, `{"object":"error","message":"rate limited","type":"rate_limited"}`)
		case 2:
			w.WriteHeader(503)
		default:
			io.WriteString(w, okResponse)
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, WithRetryBackoff(100*time.Millisecond, time.Second))
	waits := recordSleeps(c)
	_, err := c.StartConversation(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"})
	if err != nil || n.Load() != 3 {
		t.Fatalf("err %v after %d attempts", err, n.Load())
	}
	// The second wait is the backoff's second step, 200ms with jitter: [100ms, 200ms].
	if len(*waits) != 2 || (*waits)[0] != 7*time.Second || (*waits)[1] < 100*time.Millisecond || (*waits)[1] > 200*time.Millisecond {
		t.Errorf("waits %v, want [7s, 100ms..200ms]", *waits)
	}
}

// The real clock: the second attempt comes no sooner than Retry-After says.
func TestRetryAfterIsWaited(t *testing.T) {
	var first, second time.Time
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			first = time.Now()
			w.Header().Set("Retry-After", "0.2")
			w.WriteHeader(429)
			return
		}
		second = time.Now()
		io.WriteString(w, okResponse)
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL).StartConversation(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"})
	if err != nil || n.Load() != 2 {
		t.Fatalf("err %v after %d attempts", err, n.Load())
	}
	if d := second.Sub(first); d < 200*time.Millisecond {
		t.Errorf("retried after %v, before Retry-After's 200ms", d)
	}
}

// A context that ends during the wait ends the call with the context's error
// and the last API error.
func TestRetryWaitCancelled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "60")
		w.WriteHeader(429)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	resp, err := newTestClient(t, srv.URL).StartConversation(ctx, &ConversationRequest{Inputs: TextInputs("x"), Model: "m"})
	if resp != nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "429") {
		t.Fatalf("resp %v, err %v", resp, err)
	}
}

func TestRetriesGiveUpWithAPIError(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("x-request-id", "req-42")
		w.WriteHeader(429)
		io.WriteString(w, `{"object":"error","message":"slow down","type":"rate_limited","code":"1300"}`)
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, WithMaxRetries(2)).StartConversation(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Message != "slow down" || apiErr.RequestID != "req-42" || apiErr.Code != "1300" {
		t.Fatalf("err %v (%#v)", err, apiErr)
	}
	if n.Load() != 3 {
		t.Errorf("%d attempts, want 3", n.Load())
	}
}

func TestNoRetryOn4xx(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(422)
		io.WriteString(w, `{"detail":[{"loc":["body","model"],"msg":"field required"}]}`)
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL).StartConversation(context.Background(), &ConversationRequest{Inputs: TextInputs("x")})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 422 || !strings.Contains(apiErr.Message, "field required") || n.Load() != 1 {
		t.Fatalf("err %v, %d attempts", err, n.Load())
	}
}

// A GET whose connection is reset is retried; the API key never shows in errors.
func TestConnectionResetRetriedForGet(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
			return
		}
		io.WriteString(w, `{"object":"conversation.history","conversation_id":"c","entries":[]}`)
	}))
	defer srv.Close()
	h, err := newTestClient(t, srv.URL).GetConversationHistory(context.Background(), "c")
	if err != nil || h.ConversationID != "c" || n.Load() != 2 {
		t.Fatalf("err %v, %d attempts", err, n.Load())
	}
}

func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	var logs bytes.Buffer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		io.WriteString(w, `{"message":"boom"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, WithMaxRetries(1), WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	_, err := c.StartConversation(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"})
	srv.Close()
	_, err2 := c.GetAgent(context.Background(), "a")
	for _, s := range []string{fmt.Sprint(err), fmt.Sprint(err2), logs.String(), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c)} {
		if strings.Contains(s, secretKey) {
			t.Fatalf("secret leaked: %s", s)
		}
	}
	if logs.Len() == 0 {
		t.Error("retry was not logged")
	}
}

// NewClient reads no environment; FromEnv does, and options apply in order.
func TestNoKeyForRealAPI(t *testing.T) {
	t.Setenv("MISTRAL_API_KEY", "")
	t.Setenv("MISTRAL_SERVER_URL", "")
	if _, err := NewClient(FromEnv()); !errors.Is(err, ErrNoAPIKey) {
		t.Errorf("no key for the real API: err %v", err)
	}
	t.Setenv("MISTRAL_API_KEY", secretKey)
	t.Setenv("MISTRAL_SERVER_URL", "http://127.0.0.1:1/")
	if _, err := NewClient(); !errors.Is(err, ErrNoAPIKey) {
		t.Errorf("NewClient without FromEnv read the environment: err %v", err)
	}
	c, err := NewClient(WithServerURL("http://127.0.0.1:2"))
	if err != nil || c.apiKey != "" {
		t.Errorf("NewClient read MISTRAL_API_KEY: %v %v", err, c)
	}
	c, err = NewClient(FromEnv())
	if err != nil || c.ServerURL() != "http://127.0.0.1:1" || c.apiKey != secretKey {
		t.Errorf("FromEnv: %v %v", err, c)
	}
	c, err = NewClient(FromEnv(), WithServerURL("http://127.0.0.1:3"), WithAPIKey("other"))
	if err != nil || c.ServerURL() != "http://127.0.0.1:3" || c.apiKey != "other" {
		t.Errorf("options after FromEnv do not win: %v %v", err, c)
	}
	c, err = NewClient(WithAPIKey("other"), FromEnv())
	if err != nil || c.apiKey != secretKey {
		t.Errorf("FromEnv after WithAPIKey does not win: %v %v", err, c)
	}
	t.Setenv("MISTRAL_SERVER_URL", "ftp://x")
	if _, err := NewClient(FromEnv()); err == nil || !strings.Contains(err.Error(), "MISTRAL_SERVER_URL") {
		t.Errorf("invalid MISTRAL_SERVER_URL: err %v", err)
	}
}

// Every option checks its argument; NewClient returns its error, wrapped,
// never a silent default.
func TestInvalidOptions(t *testing.T) {
	for name, opt := range map[string]Option{
		"WithAPIKey":        WithAPIKey(""),
		"WithServerURL":     WithServerURL("api.mistral.ai"),
		"WithServerURL ":    WithServerURL(""),
		"WithServerURL  ":   WithServerURL("https://api.mistral.ai/?x=1"),
		"WithHTTPClient":    WithHTTPClient(nil),
		"WithMaxRetries":    WithMaxRetries(-1),
		"WithRetryBackoff":  WithRetryBackoff(0, time.Second),
		"WithRetryBackoff ": WithRetryBackoff(2*time.Second, time.Second),
		"WithLogger":        WithLogger(nil),
		"WithUserAgent":     WithUserAgent(""),
		"WithMaxEventSize":  WithMaxEventSize(0),
		"WithMaxEventSize ": WithMaxEventSize(-5),
	} {
		c, err := NewClient(WithAPIKey("k"), opt)
		if err == nil || c != nil || !strings.HasPrefix(err.Error(), "mistral: "+strings.TrimSpace(name)+": ") {
			t.Errorf("%s: client %v, err %v", name, c, err)
		}
	}
	_, err := NewClient(WithServerURL("https://user:hunter2@example.com"))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("URL with credentials: err %v", err)
	}
	if _, err := NewClient(nil); err == nil {
		t.Error("nil Option: no error")
	}
	c, err := NewClient(WithAPIKey("k"), WithMaxRetries(0))
	if err != nil || c.maxRetries != 0 {
		t.Errorf("WithMaxRetries(0): %v, %d retries", err, c.maxRetries)
	}
}

func streamServer(t *testing.T, body string, hold chan struct{}) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, body)
		w.(http.Flusher).Flush()
		if hold != nil {
			select {
			case <-hold:
			case <-r.Context().Done():
			}
		}
	}))
}

func TestStreamYieldsEventsAndEnds(t *testing.T) {
	srv := streamServer(t, sampleStream, nil)
	defer srv.Close()
	var n int
	for ev, err := range newTestClient(t, srv.URL).StartConversationStream(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		_ = ev
	}
	if n != 12 {
		t.Errorf("%d events", n)
	}
}

func TestStreamTruncatedAndErrorEvent(t *testing.T) {
	srv := streamServer(t, "event: conversation.response.started\ndata: {\"type\":\"conversation.response.started\",\"conversation_id\":\"c\"}\n\n", nil)
	defer srv.Close()
	var last error
	for _, err := range newTestClient(t, srv.URL).StartConversationStream(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"}) {
		last = err
	}
	if !errors.Is(last, ErrStreamTruncated) {
		t.Errorf("truncated stream ended with %v", last)
	}
	srv2 := streamServer(t, "event: conversation.response.error\ndata: {\"type\":\"conversation.response.error\",\"message\":\"overloaded\",\"code\":3000}\n\n", nil)
	defer srv2.Close()
	var sawEvent bool
	var se *StreamError
	for ev, err := range newTestClient(t, srv2.URL).StartConversationStream(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"}) {
		if _, ok := ev.(*ResponseErrorEvent); ok {
			sawEvent = true
		}
		if err != nil && !errors.As(err, &se) {
			t.Errorf("unexpected %v", err)
		}
	}
	if !sawEvent || se == nil || se.Code != 3000 {
		t.Errorf("error event: saw %v, err %v", sawEvent, se)
	}
}

func TestStreamCancelMidway(t *testing.T) {
	hold := make(chan struct{})
	defer close(hold)
	srv := streamServer(t, "event: conversation.response.started\ndata: {\"type\":\"conversation.response.started\",\"conversation_id\":\"c\"}\n\n", hold)
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		var last error
		for ev, err := range newTestClient(t, srv.URL).StartConversationStream(ctx, &ConversationRequest{Inputs: TextInputs("x"), Model: "m"}) {
			if ev != nil {
				cancel() // the server now stays silent; cancelling must end the read
			}
			last = err
		}
		done <- last
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("stream did not stop on cancel")
	}
}

func TestStreamBreakClosesBody(t *testing.T) {
	hold := make(chan struct{})
	defer close(hold)
	closed := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, sampleStream[:200])
		w.(http.Flusher).Flush()
		<-r.Context().Done()
		close(closed)
	}))
	defer srv.Close()
	for range newTestClient(t, srv.URL).StartConversationStream(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"}) {
		break
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("breaking out of the stream left the request open")
	}
}

// Every call that fails returns a nil result with its error, never an
// empty one; a nil request is an error, not a panic.
func TestFailedCallsReturnNil(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(404)
		io.WriteString(w, `{"object":"error","message":"no such thing"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL)
	ctx := context.Background()
	check := func(name string, v any, err error) {
		t.Helper()
		var apiErr *APIError
		if err == nil || (v != nil && !reflect.ValueOf(v).IsNil()) {
			t.Errorf("%s: %#v, %v", name, v, err)
		} else if !errors.As(err, &apiErr) && !errors.Is(err, errNilRequest) {
			t.Errorf("%s: err %v", name, err)
		}
	}
	r1, err := c.StartConversation(ctx, &ConversationRequest{Inputs: TextInputs("x"), Model: "m"})
	check("StartConversation", r1, err)
	r2, err := c.AppendConversation(ctx, "c", &AppendRequest{Inputs: TextInputs("x")})
	check("AppendConversation", r2, err)
	r3, err := c.RestartConversation(ctx, "c", &RestartRequest{Inputs: TextInputs("x"), FromEntryID: "e"})
	check("RestartConversation", r3, err)
	r4, err := c.GetConversation(ctx, "c")
	check("GetConversation", r4, err)
	r5, err := c.GetConversationHistory(ctx, "c")
	check("GetConversationHistory", r5, err)
	r6, err := c.GetConversationMessages(ctx, "c")
	check("GetConversationMessages", r6, err)
	r7, err := c.CreateAgent(ctx, &CreateAgentRequest{Model: "m", Name: "n"})
	check("CreateAgent", r7, err)
	r8, err := c.GetAgent(ctx, "a")
	check("GetAgent", r8, err)
	r9, err := c.ListAgents(ctx, nil)
	check("ListAgents", r9, err)
	r10, err := c.UpdateAgent(ctx, "a", &UpdateAgentRequest{})
	check("UpdateAgent", r10, err)
	r11, err := c.GetFile(ctx, "f")
	check("GetFile", r11, err)
	r12, err := c.DownloadFile(ctx, "f")
	check("DownloadFile", r12, err)
	r13, err := c.StartConversation(ctx, nil)
	check("StartConversation(nil)", r13, err)
	r14, err := c.UpdateAgent(ctx, "a", nil)
	check("UpdateAgent(nil)", r14, err)
	for _, err := range c.AppendConversationStream(ctx, "c", nil) {
		if !errors.Is(err, errNilRequest) {
			t.Errorf("AppendConversationStream(nil): %v", err)
		}
	}
}

// A call whose answer is not JSON fails with nil too.
func TestUndecodableAnswerReturnsNil(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"object":"conversation.response","outputs":[{"type":`)
	}))
	defer srv.Close()
	resp, err := newTestClient(t, srv.URL).StartConversation(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"})
	if resp != nil || err == nil {
		t.Fatalf("%#v, %v", resp, err)
	}
}

// Retryable is what the retry loop asks: 429 and 5xx are retried, other
// answers are not.
func TestRetryableDecidesRetries(t *testing.T) {
	for status, want := range map[int]bool{400: false, 401: false, 404: false, 409: false, 422: false, 429: true, 500: true, 502: true, 503: true} {
		if got := (&APIError{StatusCode: status}).Retryable(); got != want {
			t.Errorf("%d: Retryable %v", status, got)
		}
		var n atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.WriteHeader(status)
		}))
		c := newTestClient(t, srv.URL, WithMaxRetries(1))
		recordSleeps(c)
		_, err := c.GetAgent(context.Background(), "a")
		srv.Close()
		if attempts := n.Load(); err == nil || (attempts == 2) != want {
			t.Errorf("%d: %d attempts, err %v", status, attempts, err)
		}
	}
}

// A POST cut mid-way may already have been acted on (a conversation
// appended to): it is not sent twice. A refused connection is retried,
// since the server never saw the request.
func TestConnectionResetNotRetriedForPost(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL)
	recordSleeps(c)
	resp, err := c.AppendConversation(context.Background(), "c", &AppendRequest{Inputs: TextInputs("x")})
	if resp != nil || err == nil || n.Load() != 1 {
		t.Fatalf("resp %v, err %v, %d attempts", resp, err, n.Load())
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connections are refused
	c = newTestClient(t, "http://"+addr, WithMaxRetries(2))
	waits := recordSleeps(c)
	if _, err := c.AppendConversation(context.Background(), "c", &AppendRequest{Inputs: TextInputs("x")}); err == nil || len(*waits) != 2 {
		t.Fatalf("refused: err %v after %d waits", err, len(*waits))
	}
}

// The backoff doubles from the first wait up to the longest, each wait
// jittered within its upper half.
func TestBackoffBounds(t *testing.T) {
	c := newTestClient(t, "http://127.0.0.1:1", WithRetryBackoff(100*time.Millisecond, time.Second))
	for attempt, step := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second} {
		for range 200 {
			if d := c.backoff(attempt); d < step/2 || d > step {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, step/2, step)
			}
		}
	}
	if d := c.backoff(1000); d < 500*time.Millisecond || d > time.Second {
		t.Errorf("attempt 1000: wait %v, want the longest", d)
	}
}
