package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistraltest"
)

func cli(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	code = mainCode(ctx, args, &o, &e, func(k string) string { return env[k] })
	return code, o.String(), e.String()
}

// run, run --detach then attach, cancel: the answer and exit codes as
// mcprun run's; a server that cannot be reached and an unknown namespace
// are one line each.
func TestCLI(t *testing.T) {
	addr := tempServer(t)
	ms := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		if r, ok := turn.ResultOf("quick"); ok {
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("answer: " + r)}}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("quick", map[string]any{})}}, nil
	})
	defer ms.Close()
	dir := t.TempDir()
	startWorker(t, []string{"MISTRAL_SERVER_URL=" + ms.URL, "MISTRAL_API_KEY=k"},
		"--temporal", addr, "--task-queue", "cli", "--stdio", buildMCP(t)+" "+dir+"/log "+dir+"/hold")
	env := map[string]string{"TEMPORAL_ADDRESS": addr}

	code, out, errOut := cli(t, env, "run", "--task-queue", "cli", "--model", "m", "--stream", "go")
	if code != 0 || out != "answer: quick done\n" || !strings.Contains(errOut, "→ quick") || !strings.Contains(errOut, "← quick: quick done") {
		t.Fatalf("run: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = cli(t, env, "run", "--task-queue", "cli", "--model", "m", "--detach", "go")
	id := strings.TrimSpace(out)
	if code != 0 || id == "" || strings.Contains(id, " ") {
		t.Fatalf("run --detach: exit %d, stdout %q", code, out)
	}
	code, out, errOut = cli(t, env, "attach", id)
	if code != 0 || out != "answer: quick done\n" || errOut != "" {
		t.Fatalf("attach: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, _, errOut = cli(t, env, "cancel", "no-such-run"); code != 1 || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("cancel of an unknown run: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli(t, env, "run", "--temporal-namespace", "nope", "go")
	if code != 1 || !strings.Contains(errOut, `no namespace "nope"`) || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("unknown namespace: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli(t, env, "run", "--temporal", "127.0.0.1:1", "go")
	if code != 1 || !strings.Contains(errOut, "cannot reach Temporal at 127.0.0.1:1") || strings.Count(errOut, "\n") != 1 {
		t.Fatalf("unreachable: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli(t, map[string]string{}, "run", "go")
	if code != 1 || !strings.Contains(errOut, "TEMPORAL_ADDRESS") {
		t.Fatalf("no address: exit %d, stderr %q", code, errOut)
	}
	// A versioned worker (deployment mcprun, build v1, made current) serves
	// the runs of its queue.
	startWorker(t, []string{"MISTRAL_SERVER_URL=" + ms.URL, "MISTRAL_API_KEY=k"},
		"--temporal", addr, "--task-queue", "cli-v", "--deployment", "mcprun", "--build-id", "v1", "--set-current",
		"--stdio", buildMCP(t)+" "+dir+"/log "+dir+"/hold")
	code, out, errOut = cli(t, env, "run", "--task-queue", "cli-v", "--model", "m", "go")
	if code != 0 || out != "answer: quick done\n" {
		t.Fatalf("versioned run: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, _, _ = cli(t, env, "run"); code != 2 {
		t.Fatalf("no prompt: exit %d, want 2", code)
	}
}
