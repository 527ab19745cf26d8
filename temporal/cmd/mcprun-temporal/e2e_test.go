package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
	"github.com/mcprun/mcprun/temporal"
)

// TestMain lets the test binary be mcprun-temporal itself, so that the end
// to end test starts (and kills) real worker processes without building
// one.
func TestMain(m *testing.M) {
	if os.Getenv("MCPRUN_TEMPORAL_MAIN") == "1" {
		var args []string
		if err := json.Unmarshal([]byte(os.Getenv("MCPRUN_TEMPORAL_ARGS")), &args); err != nil {
			panic(err)
		}
		main2(args)
		return
	}
	os.Exit(m.Run())
}

func main2(args []string) {
	os.Args = append([]string{"mcprun-temporal"}, args...)
	main()
}

// tempServer starts the embedded dev server (make temporal-dev builds it)
// and returns its address. Under CI a missing binary fails the test.
func tempServer(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("MCPRUN_TEMPSERVER")
	if bin == "" {
		bin, _ = filepath.Abs("../../../.cache/bin/tempserver")
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the embedded Temporal server is missing (%v): make tempserver builds it", err)
		}
		t.Skipf("no embedded Temporal server at %s (make tempserver builds it)", bin)
	}
	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-namespace", "default")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
	}()
	select {
	case l, ok := <-line:
		if !ok {
			t.Fatal("the embedded server stopped before serving")
		}
		return strings.Fields(l)[0]
	case <-time.After(90 * time.Second):
		t.Fatal("the embedded server did not start in 90s")
	}
	return ""
}

// worker starts a worker process; it is ready when it says so.
func startWorker(t testing.TB, env []string, args ...string) *exec.Cmd {
	t.Helper()
	a, _ := json.Marshal(append([]string{"worker"}, args...))
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append(env, "MCPRUN_TEMPORAL_MAIN=1", "MCPRUN_TEMPORAL_ARGS="+string(a))...)
	errp, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	ready := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(errp)
		said := false
		for s.Scan() {
			t.Logf("worker %d: %s", cmd.Process.Pid, s.Text())
			if !said && strings.HasPrefix(s.Text(), "worker on ") {
				said = true
				ready <- true
			}
		}
		if !said {
			ready <- false
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("the worker stopped before serving")
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the worker did not start in 60s")
	}
	return cmd
}

func count(t testing.TB, path, prefix string) (n int, pid int) {
	for _, l := range strings.Split(readFile(t, path), "\n") {
		if strings.HasPrefix(l, prefix+" ") {
			n++
			fmt.Sscan(strings.TrimPrefix(l, prefix+" "), &pid)
		}
	}
	return n, pid
}

func readFile(t testing.TB, path string) string {
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

func waitFor(t testing.TB, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

// Worker A owns a stdio MCP server and is killed (SIGKILL) during a tool
// call; worker B finishes the run. Every tool_call_id gets one
// function.result, the call that finished is not run again, and A's MCP
// server does not outlive A.
func TestWorkerKilledDuringToolCall(t *testing.T) {
	addr := tempServer(t)
	d := killDuringCall(t, addr, buildMCP(t), "e2e")
	t.Logf("recovered %v after the kill", d.Round(time.Millisecond))
}

func buildMCP(t testing.TB) string {
	t.Helper()
	mcpBin := filepath.Join(t.TempDir(), "e2emcp")
	if out, err := exec.Command("go", "build", "-o", mcpBin, "../../internal/e2emcp").CombinedOutput(); err != nil {
		t.Fatalf("building the MCP server: %v\n%s", err, out)
	}
	return mcpBin
}

// killDuringCall runs the scenario on task queue q and returns the time
// from the kill to the run's answer.
func killDuringCall(t testing.TB, addr, mcpBin, q string) time.Duration {
	dir := t.TempDir()
	logPath, hold := filepath.Join(dir, "calls.log"), filepath.Join(dir, "hold")
	if err := os.WriteFile(hold, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ms := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		if len(turn.Results()) > 0 {
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("done")}}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("quick", map[string]any{}), mistraltest.Call("slow", map[string]any{})}}, nil
	})
	defer ms.Close()
	env := []string{"MISTRAL_SERVER_URL=" + ms.URL, "MISTRAL_API_KEY=test-key"}
	args := []string{"--temporal", addr, "--task-queue", q, "--stdio", mcpBin + " " + logPath + " " + hold, "--sticky-timeout", "1s"}

	a := startWorker(t, env, args...)
	tc, err := client.Dial(client.Options{HostPort: addr, Namespace: "default", Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	wr, err := temporal.Start(ctx, tc, temporal.RunInput{
		Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("go"),
		Policy: temporal.RunPolicy{CallHeartbeat: 2 * time.Second},
	}, client.StartWorkflowOptions{TaskQueue: q})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "quick to end and slow to start on worker A", 60*time.Second, func() bool {
		q, _ := count(t, logPath, "end quick")
		s, _ := count(t, logPath, "start slow")
		return q == 1 && s == 1
	})
	_, serverA := count(t, logPath, "start slow")

	startWorker(t, env, args...) // B
	killed := time.Now()
	if err := a.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	a.Wait()
	waitFor(t, "worker A's MCP server to exit", 10*time.Second, func() bool { return !alive(serverA) })
	os.Remove(hold)

	res, err := temporal.Wait(ctx, tc, wr.GetID())
	if err != nil {
		t.Fatal(err)
	}
	recovered := time.Since(killed)
	if res.Text() != "done" {
		t.Fatalf("answer %q", res.Text())
	}
	es, _ := ms.Conversation(res.ConversationID)
	calls, results := 0, map[string]int{}
	for _, e := range es {
		switch e.Type {
		case "function.call":
			calls++
		case "function.result":
			results[e.ToolCallID]++
		}
	}
	if calls != 2 || len(results) != 2 {
		t.Fatalf("%d calls, results %v", calls, results)
	}
	for id, n := range results {
		if n != 1 {
			t.Fatalf("%s has %d function.result entries", id, n)
		}
	}
	if n, pid := count(t, logPath, "start quick"); n != 1 || pid != serverA {
		t.Fatalf("quick ran %d times (last in pid %d): a finished call ran again, or A started a second server", n, pid)
	}
	if n, pid := count(t, logPath, "end slow"); n != 1 || pid == serverA {
		t.Fatalf("slow ended %d times, last in pid %d (A's server %d)", n, pid, serverA)
	}
	return recovered
}

// Worker A is killed while the model answers the turn that carries a
// tool's result, after the API took that result; worker B retries the turn
// and reconciles it with the conversation's history: the result is never
// appended twice.
func TestWorkerKilledDuringModelTurn(t *testing.T) {
	addr := tempServer(t)
	dir := t.TempDir()
	mcpBin := buildMCP(t)
	logPath, hold := filepath.Join(dir, "calls.log"), filepath.Join(dir, "hold")
	thinking := make(chan struct{}, 1)
	held := false
	ms := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		if len(turn.Results()) == 0 {
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("quick", map[string]any{})}}, nil
		}
		if !held {
			held = true
			thinking <- struct{}{}
			<-ctx.Done() // the worker died while the model thought
			return &mistraltest.Reply{Status: 500, Consume: true}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("done")}}, nil
	})
	defer ms.Close()
	env := []string{"MISTRAL_SERVER_URL=" + ms.URL, "MISTRAL_API_KEY=test-key"}
	args := []string{"--temporal", addr, "--task-queue", "turn-kill", "--stdio", mcpBin + " " + logPath + " " + hold, "--sticky-timeout", "1s"}
	a := startWorker(t, env, args...)
	tc, err := client.Dial(client.Options{HostPort: addr, Namespace: "default", Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	wr, err := temporal.Start(ctx, tc, temporal.RunInput{
		Settings: run.Settings{Model: "m"}, Inputs: mistral.TextInputs("go"),
		Policy: temporal.RunPolicy{TurnHeartbeat: 2 * time.Second},
	}, client.StartWorkflowOptions{TaskQueue: "turn-kill"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-thinking:
	case <-ctx.Done():
		t.Fatal("the second turn never came")
	}
	startWorker(t, env, args...) // B
	if err := a.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	a.Wait()
	res, err := temporal.Wait(ctx, tc, wr.GetID())
	if err != nil {
		t.Fatal(err)
	}
	if res.Text() != "done" {
		t.Fatalf("answer %q", res.Text())
	}
	es, _ := ms.Conversation(res.ConversationID)
	results := map[string]int{}
	for _, e := range es {
		if e.Type == "function.result" {
			results[e.ToolCallID]++
		}
	}
	if len(results) != 1 {
		t.Fatalf("results %v", results)
	}
	for id, n := range results {
		if n != 1 {
			t.Fatalf("%s has %d function.result entries", id, n)
		}
	}
	if n, _ := count(t, logPath, "start quick"); n != 1 {
		t.Fatalf("quick ran %d times", n)
	}
	restarted := false
	for _, r := range ms.Requests() {
		restarted = restarted || strings.HasSuffix(r.Path, "/restart")
	}
	if !restarted {
		t.Fatal("the taken, unanswered turn was not restarted from the history")
	}
}
