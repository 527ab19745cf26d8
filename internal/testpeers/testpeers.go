// Package testpeers starts, for tests, the MCP peers nobody here wrote that
// `make tools` installs into .cache/: Node 22 and npm packages such as the
// TypeScript SDK's example servers. A test that needs one calls Require:
// when the peer is not installed it skips, saying why, except under CI=true,
// where it fails (`make test`, which CI runs, always installs them).
package testpeers

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Node returns the Node 22 binary and the node_modules folder, from the
// environment (`make unit` exports MCPRUN_NODE and MCPRUN_NODE_MODULES) or
// from .cache/tools.env in the module root or above the working directory.
func Node() (node, modules string) {
	return toolsEnv("MCPRUN_NODE"), toolsEnv("MCPRUN_NODE_MODULES")
}

// toolsEnv returns the variable key from the environment or, when unset
// there, from the first .cache/tools.env (written by `make tools`) in the
// working directory or above it.
func toolsEnv(key string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	dir, _ := os.Getwd()
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		f, err := os.Open(filepath.Join(dir, ".cache", "tools.env"))
		if err != nil {
			continue
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, _ := strings.Cut(sc.Text(), "="); k == key {
				return v
			}
		}
		return ""
	}
	return ""
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// StartTSOAuthServer runs the TypeScript SDK's example server
// simpleStreamableHttp.js with its demo OAuth authorization server
// (--oauth --oauth-strict: tokens must name this server as their resource)
// on loopback ports, stops it when the test ends, and returns its MCP URL.
// Its authorization endpoint approves at once and redirects to the callback.
func StartTSOAuthServer(t testing.TB) string {
	t.Helper()
	node := Require(t, NodeJS)
	script := Require(t, TSExampleServer)
	mcpPort, authPort := FreePort(t), FreePort(t)
	cmd := exec.Command(node, script, "--oauth", "--oauth-strict")
	cmd.Env = append(os.Environ(), "MCP_PORT="+strconv.Itoa(mcpPort), "MCP_AUTH_PORT="+strconv.Itoa(authPort))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("TS server output:\n%s", out.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for _, port := range []int{mcpPort, authPort} {
		for {
			c, err := net.DialTimeout("tcp", "localhost:"+strconv.Itoa(port), time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-exited:
				t.Fatalf("TS server exited:\n%s", out.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("TS server not listening on %d:\n%s", port, out.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return "http://localhost:" + strconv.Itoa(mcpPort) + "/mcp"
}
