package main

import (
	"strings"
	"testing"

	"github.com/mcprun/mcprun/mistraltest"
)

// A server that does not start costs a line on stderr, not the run;
// --require-all-servers makes it fatal.
func TestRunWithoutABrokenServer(t *testing.T) {
	s := mistraltest.NewServer(demoModel())
	defer s.Close()
	broken := `sh -c "echo no database here >&2; exit 3"`
	code, stdout, stderr := cli(t, apiEnv(s), "run", "--stdio", weatherServer, "--stdio", broken, "Weather at Jane's?")
	if code != 0 || !strings.HasPrefix(stdout, "Jane is in Paris, where it is") {
		t.Fatalf("exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, `server "sh" did not start, running without it`) || !strings.Contains(stderr, "no database here") {
		t.Fatalf("stderr %q, want one line naming the server and why", stderr)
	}
	code, stdout, stderr = cli(t, apiEnv(s), "run", "--require-all-servers", "--stdio", weatherServer, "--stdio", broken, "Weather at Jane's?")
	if code != 1 || stdout != "" || !strings.Contains(stderr, `"sh"`) || !strings.Contains(stderr, "all required") {
		t.Fatalf("--require-all-servers: exit %d stdout %q stderr %q", code, stdout, stderr)
	}
}

// mcprun tools lists the servers that started and says which did not.
func TestToolsWithoutABrokenServer(t *testing.T) {
	code, stdout, stderr := cli(t, nil, "tools", "--stdio", weatherServer, "--stdio", `sh -c "echo no database here >&2; exit 3"`)
	if code != 0 || !strings.Contains(stdout, "get_weather") || !strings.Contains(stdout, "sh  ") || !strings.Contains(stdout, "did not start:") || !strings.Contains(stdout, "no database here") {
		t.Fatalf("exit %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := cli(t, nil, "tools", "--stdio", `sh -c "exit 3"`); code != 1 || !strings.Contains(stderr, `"sh"`) {
		t.Fatalf("none started: exit %d %q", code, stderr)
	}
}
