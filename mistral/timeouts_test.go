package mistral

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// silent answers nothing until the client leaves; with events, it first
// streams them.
func silent(events ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // else the server does not notice the client leave
		if len(events) > 0 {
			w.Header().Set("Content-Type", "text/event-stream")
			for _, e := range events {
				io.WriteString(w, e)
			}
			w.(http.Flusher).Flush()
		}
		<-r.Context().Done()
	}
}

func TestIdleTimeoutEndsSilentAnswer(t *testing.T) {
	srv := httptest.NewServer(silent())
	defer srv.Close()
	c := newTestClient(t, srv.URL, WithIdleTimeout(100*time.Millisecond))
	_, err := c.StartConversation(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"})
	if !errors.Is(err, ErrIdleTimeout) {
		t.Fatalf("err %v", err)
	}
}

func TestIdleTimeoutEndsSilentStream(t *testing.T) {
	srv := httptest.NewServer(silent(
		"event: conversation.response.started\ndata: {\"type\":\"conversation.response.started\",\"conversation_id\":\"c\"}\n\n",
		"event: message.output.delta\ndata: {\"type\":\"message.output.delta\",\"output_index\":0,\"id\":\"m\",\"content_index\":0,\"role\":\"assistant\",\"content\":\"he\"}\n\n",
	))
	defer srv.Close()
	c := newTestClient(t, srv.URL, WithIdleTimeout(100*time.Millisecond))
	n := 0
	var last error
	for ev, err := range c.StartConversationStream(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"}) {
		if ev != nil {
			n++
		}
		last = err
	}
	if n != 2 || !errors.Is(last, ErrIdleTimeout) {
		t.Fatalf("%d events, err %v", n, last)
	}
}

// A stream that keeps sending is not cut, however long it lasts.
func TestIdleTimeoutSparesSlowStream(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "event: conversation.response.started\ndata: {\"type\":\"conversation.response.started\",\"conversation_id\":\"c\"}\n\n")
		for range 6 {
			w.(http.Flusher).Flush()
			time.Sleep(40 * time.Millisecond)
			io.WriteString(w, ": keep-alive\n\n")
		}
		io.WriteString(w, "event: conversation.response.done\ndata: {\"type\":\"conversation.response.done\",\"usage\":{}}\n\n")
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, WithIdleTimeout(100*time.Millisecond))
	for _, err := range c.StartConversationStream(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"}) {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestRetryAfterAboveCapFailsAtOnce(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "300")
		w.WriteHeader(429)
		io.WriteString(w, `{"message":"slow down"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, WithRetryLimits(time.Second, time.Minute))
	start := time.Now()
	_, err := c.StartConversation(context.Background(), &ConversationRequest{Inputs: TextInputs("x"), Model: "m"})
	var ae *APIError
	if !errors.Is(err, ErrRetryBudget) || !errors.As(err, &ae) || ae.StatusCode != 429 {
		t.Fatalf("err %v", err)
	}
	if n.Load() != 1 || time.Since(start) > 5*time.Second {
		t.Errorf("%d attempts in %v", n.Load(), time.Since(start))
	}
	if !strings.Contains(err.Error(), "5m0s") {
		t.Errorf("error does not say the wait asked: %v", err)
	}
}

func TestRetryTotalBudgetAndRateLimitLoggedAtInfo(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "0.06")
		w.WriteHeader(429)
	}))
	defer srv.Close()
	var logs bytes.Buffer
	c := newTestClient(t, srv.URL, WithMaxRetries(10), WithRetryLimits(time.Second, 100*time.Millisecond),
		WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))))
	_, err := c.GetConversation(context.Background(), "c")
	if !errors.Is(err, ErrRetryBudget) || n.Load() != 2 {
		t.Fatalf("%d attempts, err %v", n.Load(), err)
	}
	if !strings.Contains(logs.String(), "level=INFO") || !strings.Contains(logs.String(), "rate limited") {
		t.Errorf("logs: %s", logs.String())
	}
}

func TestTimeoutOptionsValidated(t *testing.T) {
	if _, err := NewClient(WithServerURL("http://127.0.0.1:1"), WithIdleTimeout(-1)); err == nil {
		t.Error("negative idle timeout accepted")
	}
	if _, err := NewClient(WithServerURL("http://127.0.0.1:1"), WithRetryLimits(0, time.Second)); err == nil {
		t.Error("zero retry wait accepted")
	}
}
