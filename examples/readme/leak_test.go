package readme

import (
	"testing"

	"go.uber.org/goleak"
)

// No test may leave a goroutine behind, including one blocked on a read
// (an unclosed response body, a keep-alive connection nobody closes).
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
