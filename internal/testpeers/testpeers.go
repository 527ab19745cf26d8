// Package testpeers starts, for tests, the MCP peers nobody here wrote that
// `make tools` installs into .cache/: Node 22 and npm packages such as the
// TypeScript SDK's example servers. Tests skip, saying why, when they are
// not installed; `make test` (CI) always installs them.
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
	node, modules = os.Getenv("MCPRUN_NODE"), os.Getenv("MCPRUN_NODE_MODULES")
	if node != "" && modules != "" {
		return node, modules
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
			k, v, _ := strings.Cut(sc.Text(), "=")
			switch {
			case k == "MCPRUN_NODE" && node == "":
				node = v
			case k == "MCPRUN_NODE_MODULES" && modules == "":
				modules = v
			}
		}
		break
	}
	return node, modules
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
	node, modules := Node()
	script := filepath.Join(modules, "@modelcontextprotocol", "sdk", "dist", "esm", "examples", "server", "simpleStreamableHttp.js")
	if node == "" {
		t.Skip("node not installed (run `make tools`; MCPRUN_NODE unset and no .cache/tools.env)")
	}
	if _, err := os.Stat(script); err != nil {
		t.Skipf("TS SDK example server not installed at %s (run `make tools`)", script)
	}
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
