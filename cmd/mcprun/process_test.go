//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The test binary doubles as the processes these tests need: a stdio MCP
// server that ignores stdin's end and SIGTERM, and its child that ignores
// SIGTERM too. Each writes its pid into MCPRUN_TEST_PIDDIR.
func testRole() func() int {
	switch os.Getenv("MCPRUN_TEST_ROLE") {
	case "stubborn-server":
		return stubbornServer
	case "stubborn-child":
		return func() int {
			signal.Ignore(syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
			writePid("child")
			for {
				time.Sleep(time.Hour)
			}
		}
	}
	return nil
}

func writePid(name string) {
	dir := os.Getenv("MCPRUN_TEST_PIDDIR")
	_ = os.WriteFile(filepath.Join(dir, name+".tmp"), []byte(strconv.Itoa(os.Getpid())), 0o644)
	_ = os.Rename(filepath.Join(dir, name+".tmp"), filepath.Join(dir, name))
}

func stubbornServer() int {
	signal.Ignore(syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	child := exec.Command(os.Args[0])
	child.Env = append(os.Environ(), "MCPRUN_TEST_ROLE=stubborn-child")
	if err := child.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	writePid("server")
	srv := mcp.NewServer(&mcp.Implementation{Name: "stubborn"}, nil)
	srv.AddTool(&mcp.Tool{Name: "hang", InputSchema: map[string]any{"type": "object"}}, func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		writePid("called")
		time.Sleep(time.Hour)
		return nil, nil
	})
	srv.AddTool(&mcp.Tool{Name: "big", InputSchema: map[string]any{"type": "object"}}, func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: strings.Repeat("line of output\n", 20000)}}}, nil
	})
	_ = srv.Run(context.Background(), &mcp.StdioTransport{})
	for { // stdin ended: stay anyway
		time.Sleep(time.Hour)
	}
}

var (
	mcprunOnce sync.Once
	mcprunBin  string
	mcprunErr  error
)

// mcprunBinary builds mcprun once: these tests need a process to kill.
func mcprunBinary(t *testing.T) string {
	t.Helper()
	mcprunOnce.Do(func() {
		mcprunBin = filepath.Join(os.TempDir(), fmt.Sprintf("mcprun-proc-test-%d", os.Getpid()))
		out, err := exec.Command("go", "build", "-o", mcprunBin, ".").CombinedOutput()
		if err != nil {
			mcprunErr = fmt.Errorf("%v: %s", err, out)
		}
	})
	if mcprunErr != nil {
		t.Fatal(mcprunErr)
	}
	t.Cleanup(func() {}) // the binary is removed by TestMain's temp cleanup below
	return mcprunBin
}

// stubbornConfig writes a config starting the stubborn server.
func stubbornConfig(t *testing.T) (cfg, pids string) {
	pids = t.TempDir()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cfg = filepath.Join(t.TempDir(), "mcprun.json")
	body := fmt.Sprintf(`{"mcpServers": {"s": {"command": %q, "env": {"MCPRUN_TEST_ROLE": "stubborn-server", "MCPRUN_TEST_PIDDIR": %q}}}}`, self, pids)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg, pids
}

func waitFile(t *testing.T, path string) int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if b, err := os.ReadFile(path); err == nil {
			n, _ := strconv.Atoi(string(b))
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
	return 0
}

func ppidOf(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	n, _ := strconv.Atoi(f[1])
	return n
}

// checkAllGone fails unless every pid is dead within d.
func checkAllGone(t *testing.T, d time.Duration, pids map[string]int) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		var left []string
		for name, pid := range pids {
			if alive(pid) {
				left = append(left, fmt.Sprintf("%s (%d)", name, pid))
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			for _, pid := range pids {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
			t.Fatalf("still running %s after mcprun ended: %v", d, left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// SIGKILL of mcprun in the middle of a call to a server that ignores
// stdin's end and SIGTERM, and has a child that ignores SIGTERM: within a
// second nothing is left.
func TestSIGKILLLeavesNoServer(t *testing.T) {
	bin := mcprunBinary(t)
	cfg, dir := stubbornConfig(t)
	cmd := exec.Command(bin, "call", "--config", cfg, "s", "hang", "{}")
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	server := waitFile(t, filepath.Join(dir, "server"))
	child := waitFile(t, filepath.Join(dir, "child"))
	waitFile(t, filepath.Join(dir, "called"))
	supervisor := ppidOf(server)
	if supervisor == cmd.Process.Pid || supervisor <= 1 {
		t.Fatalf("server %d's parent is %d: not supervised", server, supervisor)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	checkAllGone(t, time.Second, map[string]int{"supervisor": supervisor, "server": server, "grandchild": child})
}

// `mcprun … | head`: the reader is gone before mcprun writes; mcprun
// stops its servers and exits 141, saying nothing.
func TestBrokenPipeStopsCleanly(t *testing.T) {
	bin := mcprunBinary(t)
	cfg, dir := stubbornConfig(t)
	cmd := exec.Command(bin, "call", "--shutdown-grace", "100ms", "--config", cfg, "s", "big", "{}")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close() // head has left
	cmd.Stdout = w
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	server := waitFile(t, filepath.Join(dir, "server"))
	child := waitFile(t, filepath.Join(dir, "child"))
	supervisor := ppidOf(server)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitBrokenPipe || stderr.String() != "" {
		t.Fatalf("exit %v, stderr %q; want exit %d and nothing said", err, stderr.String(), exitBrokenPipe)
	}
	checkAllGone(t, time.Second, map[string]int{"supervisor": supervisor, "server": server, "grandchild": child})
}

// A second Ctrl-C ends mcprun at once, servers stopped, where the first
// waits for the stubborn server's shutdown grace.
func TestSecondInterruptEndsAtOnce(t *testing.T) {
	bin := mcprunBinary(t)
	cfg, dir := stubbornConfig(t)
	cmd := exec.Command(bin, "call", "--shutdown-grace", "1m", "--config", cfg, "s", "hang", "{}")
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	server := waitFile(t, filepath.Join(dir, "server"))
	child := waitFile(t, filepath.Join(dir, "child"))
	waitFile(t, filepath.Join(dir, "called"))
	supervisor := ppidOf(server)
	cmd.Process.Signal(os.Interrupt)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err := <-exited:
		t.Fatalf("exited on the first Ctrl-C without the grace: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	cmd.Process.Signal(os.Interrupt)
	var err error
	select {
	case err = <-exited:
	case <-time.After(10 * time.Second):
		t.Fatal("a second Ctrl-C did not end mcprun")
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130", err)
	}
	checkAllGone(t, time.Second, map[string]int{"supervisor": supervisor, "server": server, "grandchild": child})
}
