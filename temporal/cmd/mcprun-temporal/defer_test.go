package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/temporal"
)

// A worker with --defer holds its tools' calls for approval, as mcprun run
// --defer does: the run waits in its workflow, nothing runs before
// approve, an approved call runs once, and a denied one reaches the model
// as a denial without running.
func TestWorkerDefer(t *testing.T) {
	addr := tempServer(t)
	ms := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		if r := turn.Results(); len(r) > 0 {
			q, _ := turn.ResultOf("quick")
			s, _ := turn.ResultOf("slow")
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("quick: " + q + "; slow: " + s)}}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("quick", map[string]any{}), mistraltest.Call("slow", map[string]any{})}}, nil
	})
	defer ms.Close()
	dir := t.TempDir()
	logPath := dir + "/log"
	// HOLD does not exist: slow, when it runs, answers at once.
	startWorker(t, []string{"MISTRAL_SERVER_URL=" + ms.URL, "MISTRAL_API_KEY=k"},
		"--temporal", addr, "--task-queue", "defer", "--defer", "--stdio", buildMCP(t)+" "+logPath+" "+dir+"/hold")
	env := map[string]string{"TEMPORAL_ADDRESS": addr}

	code, out, errOut := cli(t, env, "run", "--task-queue", "defer", "--model", "m", "--detach", "go")
	id := strings.TrimSpace(out)
	if code != 0 || id == "" {
		t.Fatalf("run --detach: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	tc, err := client.Dial(client.Options{HostPort: addr, Namespace: "default", Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var p *temporal.Progress
	waitFor(t, "the run to wait for approval", 60*time.Second, func() bool {
		p, err = temporal.GetProgress(ctx, tc, id)
		return err == nil && p.Deferral != nil
	})
	if p.Status != "awaiting approval" || len(p.Deferral.Calls) != 2 {
		t.Fatalf("status %q, deferral %+v", p.Status, p.Deferral)
	}
	time.Sleep(500 * time.Millisecond) // a call that ran anyway would have written its line
	if l := readFile(t, logPath); l != "" {
		t.Fatalf("calls ran before approval:\n%s", l)
	}
	slowID := ""
	for _, c := range p.Deferral.Calls {
		if c.Name == "slow" {
			slowID = c.ToolCallID
		}
	}
	code, out, errOut = cli(t, env, "approve", "--deny", slowID, "--reason", "not today", id)
	if code != 0 {
		t.Fatalf("approve: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = cli(t, env, "attach", id)
	if code != 0 || out != "quick: quick done; slow: Tool call denied: not today\n" {
		t.Fatalf("attach: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if n, _ := count(t, logPath, "start quick"); n != 1 {
		t.Fatalf("quick ran %d times", n)
	}
	if n, _ := count(t, logPath, "start slow"); n != 0 {
		t.Fatalf("the denied call ran %d times", n)
	}
	// A second approve finds nothing waiting: one clear line.
	if code, _, errOut = cli(t, env, "approve", id); code != 1 || !strings.Contains(errOut, "waits for no approval") {
		t.Fatalf("approve again: exit %d, stderr %q", code, errOut)
	}
}
