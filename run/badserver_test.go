package run_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// A stdio MCP server that crashes during a call: the model reads an error
// that says so (continue-on-error), the next call goes to the restarted
// server, and Close leaves nothing running (TestMain checks goroutines).
func TestCrashingMCPServer(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "testserver")
	if out, err := exec.Command("go", "build", "-o", bin, "../mcpclient/internal/testserver").CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if t.TurnInConversation == 0 {
			return mistraltest.Respond(mistraltest.Call("crash", nil)), nil
		}
		if res, ok := t.ResultOf("echo"); ok {
			return mistraltest.Respond(mistraltest.Text("after the crash: " + res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("echo", map[string]string{"text": "still there?"})), nil
	})
	defer s.Close()
	mc := mustMCP(mcpclient.NewStdio(bin, []string{"-mode=crash-after=0"}))
	r := newRunner(t, s, run.WithModel("m"), run.WithMCP(mc), run.WithContinueOnError(true))
	res, err := r.Run(context.Background(), mistral.TextInputs("go"))
	if err != nil {
		t.Fatal(err)
	}
	crashResult := ""
	for _, e := range res.OutputEntries {
		if e.EntryType() == "function.result" && crashResult == "" {
			crashResult = toJSON(e)
		}
	}
	if !strings.Contains(crashResult, "Error while executing crash") {
		t.Fatalf("the model read %s", crashResult)
	}
	if !strings.HasPrefix(res.Text(), "after the crash: ") {
		t.Fatalf("final %q", res.Text())
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestHandoffsAndToolExecutionsPassThrough(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Sequence(mistraltest.Respond(
		mistraltest.ToolExecution("web_search", `{"query":"weather"}`, map[string]any{"results": 3}),
		mistraltest.Handoff("ag_a", "ag_b"),
		mistraltest.Text("handed over"),
	)))
	defer s.Close()
	res, err := newRunner(t, s, run.WithModel("m")).Run(context.Background(), mistral.TextInputs("x"))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range res.OutputEntries {
		types = append(types, e.EntryType())
	}
	if strings.Join(types, ",") != "tool.execution,agent.handoff,message.output" || res.Text() != "handed over" {
		t.Fatalf("%v %q", types, res.Text())
	}
}
