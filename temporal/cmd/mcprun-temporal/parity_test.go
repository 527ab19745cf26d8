package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistraltest"
)

// writes records each write, to tell text that streamed from text
// printed at once.
type writes struct {
	mu  sync.Mutex
	all []string
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.all = append(w.all, string(p))
	return len(p), nil
}

func (w *writes) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.all, "")
}

// mcprun run --temporal prints what mcprun run prints: the answer's text as
// it streams (--stream), structured output (--output-schema, checked by
// the shared loop), the run's timeout (--timeout); a flag of mcprun run
// that a durable run does not take is a clear error.
func TestRunParity(t *testing.T) {
	addr := tempServer(t)
	answer := "The answer, written slowly over about two seconds, eight characters at a time, is forty-two."
	ms := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		switch p := turn.LastUserMessage(); {
		case p == "slow":
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text(answer)}, EventDelay: 150 * time.Millisecond}, nil
		case p == "call":
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("lookup", map[string]any{})}}, nil
		case p == "hang":
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("too late")}, Delay: time.Minute}, nil
		case strings.HasPrefix(p, "json"):
			if f := turn.ResponseFormat; f == nil || f.Type != "json_schema" || !strings.Contains(string(f.Schema), `"n"`) {
				return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("no schema reached the model")}}, nil
			}
			if p == "json bad" {
				return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text(`{"n":"many"}`)}}, nil
			}
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text(`{"n":42}`)}}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("?")}}, nil
	})
	defer ms.Close()
	startWorker(t, []string{"MISTRAL_SERVER_URL=" + ms.URL, "MISTRAL_API_KEY=k"}, "--temporal", addr, "--task-queue", "parity")
	env := map[string]string{"TEMPORAL_ADDRESS": addr}

	t.Run("stream", func(t *testing.T) {
		var out writes
		var errOut bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		code := mainCode(ctx, []string{"run", "--task-queue", "parity", "--model", "m", "--stream", "slow"}, &out, &errOut, func(k string) string { return env[k] })
		if code != 0 || out.String() != answer+"\n" {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
		}
		// The text came in pieces while the turn streamed (about 1.8 s,
		// heartbeats twice a second), not at once at the end.
		if pieces := len(out.all) - 1; pieces < 2 {
			t.Fatalf("the text written in %d piece(s) %q: it did not stream", pieces, out.all)
		}
	})

	t.Run("output-schema", func(t *testing.T) {
		schema := filepath.Join(t.TempDir(), "count.schema.json")
		if err := os.WriteFile(schema, []byte(`{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}`), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := cli(t, env, "run", "--task-queue", "parity", "--model", "m", "--output-schema", schema, "--json", "json")
		var got struct {
			WorkflowID string          `json:"workflow_id"`
			Output     json.RawMessage `json:"output"`
		}
		var compact bytes.Buffer
		if code != 0 || json.Unmarshal([]byte(out), &got) != nil || json.Compact(&compact, got.Output) != nil || compact.String() != `{"n":42}` || got.WorkflowID == "" {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		// An answer the schema refuses: the answer on stdout, the error
		// on stderr, exit 1, as mcprun run.
		code, out, errOut = cli(t, env, "run", "--task-queue", "parity", "--model", "m", "--output-schema", schema, "json bad")
		if code != 1 || out != `{"n":"many"}`+"\n" || !strings.Contains(errOut, "not the structured output asked for") || strings.Count(errOut, "\n") != 1 {
			t.Fatalf("bad answer: exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		// A schema that is not one fails before any run starts.
		if err := os.WriteFile(schema, []byte(`{"type":`), 0o600); err != nil {
			t.Fatal(err)
		}
		code, _, errOut = cli(t, env, "run", "--task-queue", "parity", "--output-schema", schema, "json")
		if code != 1 || !strings.Contains(errOut, "schema") {
			t.Fatalf("bad schema: exit %d, stderr %q", code, errOut)
		}
	})

	t.Run("stopped", func(t *testing.T) {
		// Out of turns with a call pending: where the conversation is and
		// how to resume it, then the error, as mcprun run says them.
		code, out, errOut := cli(t, env, "run", "--task-queue", "parity", "--model", "m", "--max-turns", "1", "call")
		if code != 1 || out != "" || !regexp.MustCompile(`stopped; conversation conv_\w+ awaits 1 tool call\(s\)\. Resume with:\n  mcprun run --temporal --conversation conv_\w+\n.*turn`).MatchString(errOut) {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		start := time.Now()
		code, out, errOut := cli(t, env, "run", "--task-queue", "parity", "--model", "m", "--timeout", "2s", "hang")
		if code != 1 || out != "" || !strings.Contains(errOut, "took longer than its timeout (2s)") {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
		}
		if d := time.Since(start); d > 30*time.Second {
			t.Fatalf("the run stopped after %v", d)
		}
	})
}

// Every flag of mcprun run is either taken by a durable run or refused
// with why: none is unknown (a usage error) or silently ignored.
func TestEveryLocalRunFlag(t *testing.T) {
	var names []string
	def := regexp.MustCompile(`fs\.\w*Var\(&[^,]+, "([a-z-]+)"`)
	for _, file := range []string{"../../../cmd/mcprun/runcmd.go", "../../../cmd/mcprun/servers.go"} {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		s := bufio.NewScanner(f)
		for s.Scan() {
			if m := def.FindStringSubmatch(s.Text()); m != nil {
				names = append(names, m[1])
			}
		}
		f.Close()
	}
	if len(names) < 20 {
		t.Fatalf("found %d flags of mcprun run: %v", len(names), names)
	}
	for _, n := range names {
		code, _, errOut := cli(t, map[string]string{}, "run", "--"+n+"=1", "prompt")
		if strings.Contains(errOut, "not defined") || code == 2 && !strings.Contains(errOut, "invalid") {
			t.Errorf("--%s: exit %d, stderr %q", n, code, errOut)
		}
		if _, refused := refusedWhy(n); refused && !strings.Contains(errOut, "--"+n+" is not for durable runs: ") {
			t.Errorf("--%s: stderr %q, want why it is refused", n, errOut)
		}
	}
}

// A worker's servers may sample through its Mistral client within their
// budget (here the config's one request), and are not offered elicitation:
// a server that asks anyway is told the client does not support it.
func TestWorkerSamplingAndElicitation(t *testing.T) {
	addr := tempServer(t)
	ms := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		if turn.LastUserMessage() == "say hi" {
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("hi from " + turn.Model)}}, nil
		}
		if rs := turn.Results(); len(rs) > 0 {
			var all []string
			for _, r := range rs {
				all = append(all, r)
			}
			slices.Sort(all)
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text(strings.Join(all, " | "))}}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("sample", map[string]any{}), mistraltest.Call("sample", map[string]any{}), mistraltest.Call("ask", map[string]any{})}}, nil
	})
	defer ms.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "mcp.json")
	b, _ := json.Marshal(map[string]any{"mcpServers": map[string]any{"e2e": map[string]any{
		"command": buildMCP(t), "args": []string{dir + "/log", dir + "/hold"}, "sampling": map[string]any{"maxRequests": 1},
	}}})
	if err := os.WriteFile(cfg, b, 0o600); err != nil {
		t.Fatal(err)
	}
	startWorker(t, []string{"MISTRAL_SERVER_URL=" + ms.URL, "MISTRAL_API_KEY=k"},
		"--temporal", addr, "--task-queue", "sampling", "--config", cfg, "--sampling-model", "sampler")
	code, out, errOut := cli(t, map[string]string{"TEMPORAL_ADDRESS": addr}, "run", "--task-queue", "sampling", "--model", "m", "go")
	parts := strings.Split(strings.TrimSpace(out), " | ")
	if code != 0 || len(parts) != 3 {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// Sorted: the elicitation, the refused sampling, the answered one.
	if !strings.HasPrefix(parts[0], "Error while executing ask: ") || !strings.Contains(parts[0], "client does not support elicitation") {
		t.Errorf("elicitation: %q", parts[0])
	}
	if !strings.HasPrefix(parts[1], "Error while executing sample: ") || !strings.Contains(parts[1], "sampling refused: the budget of 1 sampling requests is spent") {
		t.Errorf("the second sampling request: %q", parts[1])
	}
	if parts[2] != "sampled: hi from sampler" {
		t.Errorf("the first sampling request: %q", parts[2])
	}
}
