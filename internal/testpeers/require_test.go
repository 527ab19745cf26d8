package testpeers

import (
	"os"
	"path/filepath"
	"testing"
)

// verdict records what Require decided instead of ending the test.
type verdict struct {
	testing.TB
	skipped, failed bool
}

func (v *verdict) Skipf(string, ...any)  { v.skipped = true }
func (v *verdict) Fatalf(string, ...any) { v.failed = true }

func TestRequireMissingSkipsLocallyFailsInCI(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("MCPRUN_NODE", filepath.Join(empty, "node"))
	t.Setenv("MCPRUN_NODE_MODULES", empty)
	t.Setenv("MCPRUN_NPM_BIN", empty)
	t.Setenv("PATH", empty)
	for _, p := range []Peer{NodeJS, TSExampleServer, Everything, Memory, Filesystem} {
		for _, tc := range []struct {
			ci                  string
			wantSkip, wantFatal bool
		}{
			{"", true, false},
			{"false", true, false},
			{"true", false, true},
			{"1", false, true},
		} {
			t.Setenv("CI", tc.ci)
			v := &verdict{TB: t}
			Require(v, p)
			if v.skipped != tc.wantSkip || v.failed != tc.wantFatal {
				t.Errorf("%s with CI=%q: skipped %v failed %v, want %v %v", p, tc.ci, v.skipped, v.failed, tc.wantSkip, tc.wantFatal)
			}
		}
	}
}

func TestRequireFound(t *testing.T) {
	dir := t.TempDir()
	node := filepath.Join(dir, "node")
	everything := filepath.Join(dir, "mcp-server-everything")
	memory := filepath.Join(dir, "mcp-server-memory")
	filesystem := filepath.Join(dir, "mcp-server-filesystem")
	script := filepath.Join(dir, "@modelcontextprotocol", "sdk", "dist", "esm", "examples", "server", "simpleStreamableHttp.js")
	for _, f := range []string{node, everything, memory, filesystem, script} {
		if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, nil, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("CI", "true")
	t.Setenv("MCPRUN_NODE", node)
	t.Setenv("MCPRUN_NODE_MODULES", dir)
	t.Setenv("MCPRUN_NPM_BIN", dir)
	t.Setenv("PATH", t.TempDir())
	for p, want := range map[Peer]string{NodeJS: node, TSExampleServer: script, Everything: everything, Memory: memory, Filesystem: filesystem} {
		v := &verdict{TB: t}
		if got := Require(v, p); got != want || v.skipped || v.failed {
			t.Errorf("Require(%s) = %q (skipped %v failed %v), want %q", p, got, v.skipped, v.failed, want)
		}
	}
}
