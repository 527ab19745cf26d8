package run_test

import (
	"testing"

	"github.com/mcprun/mcprun/internal/stdioswitch"
	"go.uber.org/goleak"
)

// Every test must leave no goroutine behind: not the run's, not the MCP
// clients', not the HTTP client's. Nothing is ignored, not even a goroutine
// blocked on a socket or pipe read: a child's stdout reader, an SSE body or
// a keep-alive connection left open is exactly the leak to catch.
func TestMain(m *testing.M) {
	stdioswitch.FromTestEnv() // MCPRUN_TEST_SDKSTDIO=1: every stdio client on the go-sdk's transport
	goleak.VerifyTestMain(m)
}
