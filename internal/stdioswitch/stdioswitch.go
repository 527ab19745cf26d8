// Package stdioswitch lets a test binary run every stdio MCP client over the
// go-sdk's mcp.CommandTransport instead of mcprun's own stdio transport, so
// that the whole suite is run on both (make test runs the packages that
// start stdio servers a second time with MCPRUN_TEST_SDKSTDIO=1).
//
// Only tests turn it on, through FromTestEnv in their TestMain: the library
// and the CLI never read the environment for it. A program chooses the
// go-sdk's transport with mcpclient.WithSDKStdio.
package stdioswitch

import (
	"os"
	"sync/atomic"
)

// TestEnv is the variable FromTestEnv reads.
const TestEnv = "MCPRUN_TEST_SDKSTDIO"

var sdk atomic.Bool

// SDK reports whether every stdio client is to use the go-sdk's transport.
func SDK() bool { return sdk.Load() }

// FromTestEnv turns the switch on when TestEnv is "1". It is for a test's
// TestMain.
func FromTestEnv() {
	if os.Getenv(TestEnv) == "1" {
		sdk.Store(true)
	}
}
