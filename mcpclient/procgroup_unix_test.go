//go:build unix

package mcpclient

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// A server that spawns a helper (as npx spawns node) is stopped with it.
func TestStdioCloseKillsGrandchildren(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	c := must(NewStdio("/bin/sh", []string{"-c", `sleep 300 & echo "grandchild=$!" >&2; exec "$0" -mode=echo`, testServerBin},
		WithTerminateTimeout(2e9)))
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	var pid int
	waitFor(t, func() bool {
		_, rest, ok := strings.Cut(c.Stderr(), "grandchild=")
		if !ok {
			return false
		}
		pid, _ = strconv.Atoi(strings.Fields(rest)[0])
		return pid > 0
	}, "the grandchild's pid")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return !alive(pid) }, "the grandchild to die")
}

// alive reports whether pid runs (a zombie waiting for init counts as dead).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	return !strings.HasPrefix(rest, "Z")
}
