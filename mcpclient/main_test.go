package mcpclient

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcprun/mcprun/internal/stdioswitch"
	"go.uber.org/goleak"
)

// testServerBin is the testserver program, built once by TestMain.
var testServerBin string

func TestMain(m *testing.M) {
	stdioswitch.FromTestEnv() // MCPRUN_TEST_SDKSTDIO=1: every stdio client on the go-sdk's transport
	dir, err := os.MkdirTemp("", "mcpclient-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testServerBin = filepath.Join(dir, "testserver")
	out, err := exec.Command("go", "build", "-o", testServerBin, "./internal/testserver").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building testserver: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	// No goroutine may outlive the tests, not even one blocked on a read.
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// testServer returns a client for the testserver in the given mode, closed
// at the end of the test.
func testServer(t testing.TB, mode string, opts ...Option) *Client {
	t.Helper()
	opts = append([]Option{WithName("ts"), WithTerminateTimeout(2 * time.Second)}, opts...)
	c := must(NewStdio(testServerBin, []string{"-mode=" + mode}, opts...))
	t.Cleanup(func() { c.Close() })
	return c
}

// noLeaks checks, at the end of a test, that no goroutine is left.
func noLeaks(t *testing.T) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t, goleak.IgnoreCurrent()) })
}

// must returns c, and panics on a constructor's error: the tests' options
// are valid.
func must(c *Client, err error) *Client {
	if err != nil {
		panic(err)
	}
	return c
}
