package mcpclient

import (
	"context"
	"strings"
	"testing"
	"time"
)

// serverEnv starts a "server" that prints its environment to stderr and
// exits, and returns what it printed.
func serverEnv(t *testing.T, opts ...Option) string {
	t.Helper()
	c, err := NewStdio("sh", []string{"-c", "env >&2"}, append([]Option{WithReconnect(0), WithConnectTimeout(10 * time.Second)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Connect(context.Background()); err == nil {
		t.Fatal("a server that exits connected")
	}
	return c.Stderr()
}

func TestStdioSafeEnvironment(t *testing.T) {
	t.Setenv("MISTRAL_API_KEY", "sk-not-for-servers")
	t.Setenv("GITHUB_TOKEN", "ghp-not-for-servers")
	t.Setenv("SHELLFN", "() { :; }; echo pwned")
	got := serverEnv(t, WithEnv(map[string]string{"GIVEN": "yes"}))
	for _, want := range []string{"PATH=", "HOME=", "GIVEN=yes"} {
		if !strings.Contains(got, want) {
			t.Errorf("server environment lacks %s:\n%s", want, got)
		}
	}
	for _, leak := range []string{"sk-not-for-servers", "ghp-not-for-servers", "pwned"} {
		if strings.Contains(got, leak) {
			t.Errorf("server environment has %s:\n%s", leak, got)
		}
	}
	if got := serverEnv(t, WithEnv(map[string]string{"MISTRAL_API_KEY": "named"})); !strings.Contains(got, "MISTRAL_API_KEY=named") {
		t.Errorf("a variable WithEnv names is missing:\n%s", got)
	}
	if got := serverEnv(t, WithInheritEnv()); !strings.Contains(got, "GITHUB_TOKEN=ghp-not-for-servers") {
		t.Errorf("WithInheritEnv did not pass the environment:\n%s", got)
	}
	if _, err := NewHTTP("http://127.0.0.1:1/mcp", WithInheritEnv()); err == nil {
		t.Error("WithInheritEnv on an HTTP client is no error")
	}
}
