package mistral

import (
	"testing"
	"time"
)

// Without WithRetryBackoff, retry waits grow from 500ms and are capped at
// 30s (backoff draws each wait between half and all of that).
func TestDefaultRetryBackoff(t *testing.T) {
	c, err := NewClient(WithAPIKey("k"))
	if err != nil {
		t.Fatal(err)
	}
	if c.backoffMin != 500*time.Millisecond || c.backoffMax != 30*time.Second {
		t.Fatalf("backoff %v..%v, want 500ms..30s", c.backoffMin, c.backoffMax)
	}
}
