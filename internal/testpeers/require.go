package testpeers

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// Peer is a program or package, written by others, that a test runs
// against and `make tools` installs into .cache/.
type Peer string

// The peers tests require.
const (
	// NodeJS is the Node 22 binary (MCPRUN_NODE).
	NodeJS Peer = "node"
	// TSExampleServer is the TypeScript SDK's example server
	// simpleStreamableHttp.js, with its demo OAuth authorization server.
	TSExampleServer Peer = "@modelcontextprotocol/sdk example server"
	// Everything is the reference server @modelcontextprotocol/server-everything
	// (its mcp-server-everything command).
	Everything Peer = "mcp-server-everything"
	// Memory is the reference server @modelcontextprotocol/server-memory (a
	// knowledge graph kept in the file MEMORY_FILE_PATH names).
	Memory Peer = "mcp-server-memory"
	// Filesystem is the reference server
	// @modelcontextprotocol/server-filesystem, serving the directories its
	// arguments name.
	Filesystem Peer = "mcp-server-filesystem"
)

// Require returns the path of p. When p is not installed, the test is
// skipped, saying why, on a developer's machine, and fails under CI (the
// environment variable CI set to true, as .ci/run has it): CI installs every
// peer, so a missing one there is a broken install, never a reason to test
// less.
func Require(t testing.TB, p Peer) string {
	t.Helper()
	path, err := find(p)
	if err != nil {
		missing(t, "test peer %s: %v (`make tools` installs it; `make unit` puts it in PATH and the environment)", p, err)
	}
	return path
}

// missing is the one place that decides what a missing peer means.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if inCI() {
		t.Fatalf("CI=true and "+format, args...)
		return
	}
	t.Skipf(format, args...)
}

// inCI reports whether CI is set to a true value (true, 1, TRUE, …).
func inCI() bool {
	ci, _ := strconv.ParseBool(os.Getenv("CI"))
	return ci
}

// find locates p, or says where it looked.
func find(p Peer) (string, error) {
	node, modules := Node()
	var path string
	switch p {
	case NodeJS:
		if node == "" {
			return "", fmt.Errorf("MCPRUN_NODE unset and no .cache/tools.env")
		}
		path = node
	case TSExampleServer:
		if modules == "" {
			return "", fmt.Errorf("MCPRUN_NODE_MODULES unset and no .cache/tools.env")
		}
		path = filepath.Join(modules, "@modelcontextprotocol", "sdk", "dist", "esm", "examples", "server", "simpleStreamableHttp.js")
	case Everything, Memory, Filesystem:
		// An npm package's command, in node_modules/.bin.
		if p, err := exec.LookPath(string(p)); err == nil {
			return p, nil
		}
		bin := toolsEnv("MCPRUN_NPM_BIN")
		if bin == "" {
			return "", fmt.Errorf("not in PATH, MCPRUN_NPM_BIN unset and no .cache/tools.env")
		}
		path = filepath.Join(bin, string(p))
	default:
		return "", fmt.Errorf("unknown peer")
	}
	if _, err := os.Stat(path); err != nil {
		return "", err
	}
	return path, nil
}
