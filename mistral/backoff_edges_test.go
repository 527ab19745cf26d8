package mistral

import (
	"errors"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"
)

// backoff stays within [d/2, d] at its edges: a 1ns minimum (no panic from
// an empty jitter range) and a minimum so large that doubling it wraps to
// zero (capped at the maximum, not a zero wait).
func TestBackoffEdges(t *testing.T) {
	c := &Client{backoffMin: time.Nanosecond, backoffMax: time.Nanosecond}
	for attempt := range 3 {
		if d := c.backoff(attempt); d < 0 || d > time.Nanosecond {
			t.Fatalf("1ns backoff, attempt %d: %v", attempt, d)
		}
	}
	c = &Client{backoffMin: 1 << 44, backoffMax: 1 << 45} // 1<<44 << 20 wraps to 0
	if d := c.backoff(20); d < c.backoffMax/2 || d > c.backoffMax {
		t.Fatalf("wrapped backoff %v, want within [%v, %v]", d, c.backoffMax/2, c.backoffMax)
	}
}

// A transport error's URL loses its query and user info before it is
// shown.
func TestRedactURLError(t *testing.T) {
	err := redact(&url.Error{Op: "Get", URL: "https://user:pw@api.example/v1/x?token=secret", Err: io.EOF})
	var ue *url.Error
	if !errors.As(err, &ue) || !errors.Is(err, io.EOF) || strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "pw") ||
		!strings.Contains(err.Error(), "api.example/v1/x") {
		t.Fatalf("redact: %v", err)
	}
}

// A Client prints its server and whether it has a key, never the key.
func TestClientString(t *testing.T) {
	c, err := NewClient(WithAPIKey("sk-secret"), WithServerURL("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	if s := c.String(); s != "mistral.Client{server: http://127.0.0.1:1, key set: true}" {
		t.Fatalf("String() = %q", s)
	}
}
