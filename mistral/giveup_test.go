package mistral

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// unavailable is an API that always answers 503 and counts the attempts.
func unavailable(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(s.Close)
	return s, &n
}

// A request that keeps failing says how many attempts it made; one that
// was not to be retried returns the API's error as it is.
func TestGivingUpCountsAttempts(t *testing.T) {
	ctx := context.Background()
	s, n := unavailable(t)
	c, err := NewClient(WithAPIKey("k"), WithServerURL(s.URL), WithMaxRetries(2), WithRetryBackoff(time.Millisecond, 2*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetAgent(ctx, "ag_1")
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 || !strings.Contains(err.Error(), "giving up after 3 attempts") || n.Load() != 3 {
		t.Fatalf("err %v after %d attempts, want 503 and giving up after 3", err, n.Load())
	}

	s, n = unavailable(t)
	c, err = NewClient(WithAPIKey("k"), WithServerURL(s.URL), WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetAgent(ctx, "ag_1")
	if ae, ok := err.(*APIError); !ok || ae.StatusCode != 503 || n.Load() != 1 {
		t.Fatalf("no retries: err %v (%T) after %d attempts, want the *APIError itself", err, err, n.Load())
	}
}

// A backoff longer than WithRetryLimits' maxWait is cut to it, not refused:
// only a wait the API asks for (Retry-After) fails the budget.
func TestBackoffCappedNotRefused(t *testing.T) {
	s, n := unavailable(t)
	c, err := NewClient(WithAPIKey("k"), WithServerURL(s.URL), WithMaxRetries(2),
		WithRetryBackoff(time.Minute, time.Minute), WithRetryLimits(time.Millisecond, time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetAgent(context.Background(), "ag_1")
	if errors.Is(err, ErrRetryBudget) || n.Load() != 3 {
		t.Fatalf("err %v after %d attempts, want 3 attempts with capped waits", err, n.Load())
	}
}
