package run_test

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test must leave no goroutine behind: not the run's, not the MCP
// clients', not the HTTP client's.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"), goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"), goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"))
}
