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

func TestRetryAfterThenSuccess(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) {
		case 1:
			w.Header().Set("Retry-After", "0.01")
			w.WriteHeader(429)
			io.WriteString(w, `{"object":"error","message":"rate limited","type":"rate_limited"}`)
		case 2:
			w.WriteHeader(503)
		default:
			io.WriteString(w, okResponse)
		}
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL).StartConversation(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"})
	if err != nil || n.Load() != 3 {
		t.Fatalf("err %v after %d attempts", err, n.Load())
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

func TestNoKeyForRealAPI(t *testing.T) {
	t.Setenv("MISTRAL_API_KEY", "")
	t.Setenv("MISTRAL_SERVER_URL", "")
	if _, err := NewClient(); !errors.Is(err, ErrNoAPIKey) {
		t.Errorf("err %v", err)
	}
	t.Setenv("MISTRAL_SERVER_URL", "http://127.0.0.1:1")
	c, err := NewClient()
	if err != nil || c.ServerURL() != "http://127.0.0.1:1" {
		t.Errorf("env server URL: %v", err)
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
