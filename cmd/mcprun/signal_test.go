package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistraltest"
)

// alive reports whether pid runs (a zombie does not count).
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(stat), ')')
	return i > 0 && i+2 < len(stat) && stat[i+2] != 'Z' && stat[i+2] != 'X'
}

// The real binary, real signals: the first Ctrl-C waits for a server that
// ignores shutdown, the second stops at once, server included.
func TestSecondInterruptStopsWaiting(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	dir := t.TempDir()
	bin, server := filepath.Join(dir, "mcprun"), filepath.Join(dir, "stubborn")
	for out, pkg := range map[string]string{bin: ".", server: "./testdata/stubborn"} {
		if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			t.Fatalf("%s", b)
		}
	}
	turns := make(chan struct{}, 1)
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		select {
		case turns <- struct{}{}:
		default:
		}
		return mistraltest.Respond(mistraltest.Call("sleep", nil)), nil
	})
	defer s.Close()
	pidFile := filepath.Join(dir, "pid")
	cmd := exec.Command(bin, "run", "--stdio", server+" "+pidFile, "nap")
	cmd.Env = []string{"MISTRAL_API_KEY=k", "MISTRAL_SERVER_URL=" + s.URL, "HOME=" + dir}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-turns:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("no model turn; stderr %q", stderr.String())
	}
	time.Sleep(300 * time.Millisecond) // the call is running
	b, _ := os.ReadFile(pidFile)
	pid, _ := strconv.Atoi(string(b))
	if pid == 0 || !alive(pid) {
		t.Fatalf("server pid %q", b)
	}
	cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-done:
		t.Fatalf("exited at the first Ctrl-C (%v) although the server ignores shutdown: %q", err, stderr.String())
	case <-time.After(700 * time.Millisecond):
	}
	if !strings.Contains(stderr.String(), "interrupted; conversation") {
		t.Errorf("no conversation id before waiting: %q", stderr.String())
	}
	cmd.Process.Signal(os.Interrupt)
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the second Ctrl-C did not stop it: %q", stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit %d, want 130", code)
	}
	deadline := time.Now().Add(2 * time.Second)
	for alive(pid) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if alive(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("the server outlived mcprun")
	}
}
