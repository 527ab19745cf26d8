package main

import (
	"strings"
	"testing"
)

// A plain-HTTP API base URL to another host would carry the key in clear:
// refused in one line, the key not shown.
func TestPlainHTTPServerURLRefused(t *testing.T) {
	env := map[string]string{"MISTRAL_API_KEY": "sk-the-secret-key", "MISTRAL_SERVER_URL": "http://api.example"}
	for _, args := range [][]string{{"run", "hi"}, {"agents", "list"}} {
		code, _, stderr := cli(t, env, args...)
		if code != 1 || !strings.Contains(stderr, "in clear") || strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "sk-the-secret-key") {
			t.Errorf("mcprun %v: exit %d, stderr %q; want one line refusing plain HTTP", args, code, stderr)
		}
	}
}

// Shell syntax the words parser cannot take is a clear error, never a
// panic (`cat <(id)` panicked inside mvdan.cc/sh).
func TestStdioShellSyntaxIsAnError(t *testing.T) {
	for _, s := range []string{"cat <(id)", "echo $(id)", "a | b"} {
		code, _, stderr := cli(t, nil, "tools", "--stdio", s)
		if code != 1 || !strings.Contains(stderr, "no shell is run") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("tools --stdio %q: exit %d, stderr %q", s, code, stderr)
		}
	}
}
