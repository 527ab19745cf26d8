package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/mistraltest"
)

// agents list reads the current, cursor-paginated listing: a page, the
// next page by its token, or every page; an agent whose stop sequence is
// a string is listed too.
func TestAgentsListPages(t *testing.T) {
	s := mistraltest.NewServer(demoModel())
	defer s.Close()
	for _, name := range []string{"alpha", "beta", "gamma"} {
		if code, _, stderr := cli(t, apiEnv(s), "agents", "create", "--name", name); code != 0 {
			t.Fatalf("create: %s", stderr)
		}
	}
	code, stdout, stderr := cli(t, apiEnv(s), "agents", "list", "--page-size", "2")
	m := regexp.MustCompile(`--page (\S+)`).FindStringSubmatch(stderr)
	if code != 0 || !strings.Contains(stdout, "alpha") || !strings.Contains(stdout, "beta") || strings.Contains(stdout, "gamma") || m == nil {
		t.Fatalf("first page: exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, apiEnv(s), "agents", "list", "--page-size", "2", "--page", m[1])
	if code != 0 || !strings.Contains(stdout, "gamma") || strings.Contains(stdout, "alpha") || stderr != "" {
		t.Fatalf("second page: exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, _ = cli(t, apiEnv(s), "agents", "list", "--page-size", "1", "--all")
	if code != 0 || strings.Count(stdout, "\n") != 4 {
		t.Fatalf("all: exit %d %q", code, stdout)
	}
	var deprecated int
	for _, r := range s.Requests() {
		if r.Method == "GET" && r.Path == "/v1/agents" {
			deprecated++
		}
	}
	if deprecated > 0 {
		t.Fatalf("the deprecated GET /v1/agents was used %d times", deprecated)
	}
}
