package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mcprun/mcprun/internal/serverflags"
	"github.com/mcprun/mcprun/mistraltest"
)

var (
	testServerOnce sync.Once
	testServerBin  string
)

// testServer builds mcpclient's misbehaving stdio MCP server (a sleep tool).
func testServer(t *testing.T) string {
	t.Helper()
	testServerOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mcprun-testserver")
		if err != nil {
			panic(err)
		}
		bin := filepath.Join(dir, "testserver")
		if out, err := exec.Command("go", "build", "-o", bin, "../../mcpclient/internal/testserver").CombinedOutput(); err != nil {
			panic(string(out))
		}
		testServerBin = bin
	})
	return testServerBin
}

// children returns the pids of this process's children running bin
// (Linux: /proc).
func children(t *testing.T, bin string) []int {
	t.Helper()
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...
		rest := stat[strings.LastIndexByte(string(stat), ')')+2:]
		f := strings.Fields(string(rest))
		if len(f) < 2 || f[1] != strconv.Itoa(os.Getpid()) {
			continue
		}
		if exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); exe == bin {
			out = append(out, pid)
		}
	}
	return out
}

// answeredOnce checks the server's copy of the conversation: every
// function call has exactly one result.
func answeredOnce(t *testing.T, s *mistraltest.Server, id string) {
	t.Helper()
	entries, ok := s.Conversation(id)
	if !ok {
		t.Fatalf("no conversation %s", id)
	}
	n := map[string]int{}
	for _, e := range entries {
		switch e.Type {
		case "function.call":
			n[e.ToolCallID] += 0
		case "function.result":
			n[e.ToolCallID]++
		}
	}
	for id, k := range n {
		if k != 1 {
			t.Errorf("tool_call_id %s answered %d times", id, k)
		}
	}
}

var resumeLine = regexp.MustCompile(`(?m)^  (mcprun run .*--conversation (conv_[0-9a-f]+))$`)

// sleepThenAnswer plays a model that calls sleep once, then answers; turns
// tells when the first turn was answered.
func sleepThenAnswer(ms int, turns chan<- struct{}) mistraltest.Script {
	return func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("sleep"); ok {
			return mistraltest.Respond(mistraltest.Text("woke: " + res)), nil
		}
		if turns != nil {
			select {
			case turns <- struct{}{}:
			default:
			}
		}
		return mistraltest.Respond(mistraltest.Call("sleep", map[string]int{"ms": ms})), nil
	}
}

// interrupt runs the CLI and interrupts it, as SIGINT or SIGTERM would,
// once the model asked for the tool call.
func interrupt(t *testing.T, s *mistraltest.Server, sig syscall.Signal, turns <-chan struct{}, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut syncBuffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: apiGetenv(s)}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	go func() {
		<-turns
		time.Sleep(300 * time.Millisecond) // the call is running
		cancel(&interruptError{sig: sig})
	}()
	code = a.main(ctx, args)
	return code, out.String(), errOut.String()
}

func TestInterruptPrintsIDThenResumeAnswersOnce(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the child process check reads /proc")
	}
	bin := testServer(t)
	turns := make(chan struct{}, 1)
	s := mistraltest.NewServer(sleepThenAnswer(1500, turns))
	defer s.Close()
	start := time.Now()
	code, stdout, stderr := interrupt(t, s, syscall.SIGINT, turns, "run", "--stdio", bin, "--max-turns", "4", "--instructions", "don't wake me", "take a nap")
	if code != 130 {
		t.Fatalf("exit %d, want 130; stderr %q", code, stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the interrupted run took %v", d)
	}
	m := resumeLine.FindStringSubmatch(stderr)
	if m == nil || !strings.Contains(stderr, "interrupted; conversation "+m[2]+" awaits 1 tool call(s)") || stdout != "" {
		t.Fatalf("stderr %q stdout %q", stderr, stdout)
	}
	if !strings.Contains(m[1], "--stdio "+bin) || !strings.Contains(m[1], "--max-turns 4") || strings.Contains(m[1], "nap") {
		t.Errorf("resume command %q", m[1])
	}
	if kids := children(t, bin); len(kids) > 0 {
		t.Errorf("server processes outlive the interrupted run: %v", kids)
	}
	// The printed command, run as printed, finishes the conversation.
	words, err := serverflags.Words(m[1], func(string) string { return "" })
	if err != nil || words[0] != "mcprun" {
		t.Fatalf("%q: %v", m[1], err)
	}
	code, stdout, stderr = cli(t, apiEnv(s), words[1:]...)
	if code != 0 || stdout != "woke: slept\n" {
		t.Fatalf("resume: exit %d %q %q", code, stdout, stderr)
	}
	answeredOnce(t, s, m[2])
	if kids := children(t, bin); len(kids) > 0 {
		t.Errorf("server processes left: %v", kids)
	}
}

func TestTerminateJSONPrintsPartialResult(t *testing.T) {
	bin := testServer(t)
	turns := make(chan struct{}, 1)
	s := mistraltest.NewServer(sleepThenAnswer(10_000, turns))
	defer s.Close()
	code, stdout, stderr := interrupt(t, s, syscall.SIGTERM, turns, "run", "--json", "--stdio", bin, "nap")
	if code != 143 {
		t.Fatalf("exit %d, want 143; %q", code, stderr)
	}
	var out struct {
		ConversationID string            `json:"conversation_id"`
		OutputEntries  []json.RawMessage `json:"output_entries"`
		PendingCalls   []struct {
			ToolCallID string `json:"tool_call_id"`
			Name       string `json:"name"`
		} `json:"pending_calls"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v: %q", err, stdout)
	}
	if out.ConversationID == "" || len(out.PendingCalls) != 1 || out.PendingCalls[0].Name != "sleep" || len(out.OutputEntries) != 1 {
		t.Fatalf("%s", stdout)
	}
}

func TestMaxTurnsThenResume(t *testing.T) {
	s := mistraltest.NewServer(demoModel())
	defer s.Close()
	code, stdout, stderr := cli(t, apiEnv(s), "run", "--stdio", weatherServer, "--max-turns", "1", "Weather at Jane's?")
	m := resumeLine.FindStringSubmatch(stderr)
	if code != 1 || m == nil || !strings.Contains(stderr, "1 tool call(s) left pending") {
		t.Fatalf("exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, apiEnv(s), "run", "--stdio", weatherServer, "--max-turns", "5", "--conversation", m[2])
	if code != 0 || !strings.HasPrefix(stdout, "Jane is in Paris") {
		t.Fatalf("resume: exit %d %q %q", code, stdout, stderr)
	}
	answeredOnce(t, s, m[2])
	// Nothing pending any more, and no prompt: one clear line.
	code, _, stderr = cli(t, apiEnv(s), "run", "--conversation", m[2])
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "nothing to resume") {
		t.Errorf("exit %d %q", code, stderr)
	}
	// A conversation that does not exist: one line, no resume command.
	code, _, stderr = cli(t, apiEnv(s), "run", "--conversation", "conv_missing")
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "conv_missing") || !strings.Contains(stderr, "404") {
		t.Errorf("exit %d %q", code, stderr)
	}
}

func TestTimeoutEndsStalledAnswerAndStream(t *testing.T) {
	for _, tc := range []struct {
		name  string
		reply *mistraltest.Reply
		args  []string
	}{
		{"answer", &mistraltest.Reply{Stall: true}, nil},
		{"stream", &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("a long answer")}, Stall: true, StallAfterEvents: 2}, []string{"--stream"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The first turn calls a tool: the conversation exists when the
			// second stalls, so the id is printed.
			s := mistraltest.NewServer(mistraltest.Sequence(
				mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"location": "Paris"})),
				tc.reply,
			))
			defer s.Close()
			start := time.Now()
			args := append([]string{"run", "--timeout", "1s", "--stdio", weatherServer}, tc.args...)
			code, _, stderr := cli(t, apiEnv(s), append(args, "weather?")...)
			if d := time.Since(start); d > 2*time.Second+500*time.Millisecond {
				// --timeout plus a second (and the server's start).
				t.Errorf("took %v", d)
			}
			if code != 1 || !strings.Contains(stderr, "timed out; conversation") || resumeLine.FindStringSubmatch(stderr) == nil || !strings.Contains(stderr, "longer than its timeout") {
				t.Fatalf("exit %d %q", code, stderr)
			}
		})
	}
}

func TestRetryAfterAboveCap(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Sequence(mistraltest.RateLimited(300 * time.Second)))
	defer s.Close()
	start := time.Now()
	code, _, stderr := cli(t, apiEnv(s), "run", "hello")
	if code != 1 || time.Since(start) > 5*time.Second || !strings.Contains(stderr, "asks to wait 5m0s") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d after %v: %q", code, time.Since(start), stderr)
	}
}

func TestDeferThenApprove(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("get_weather"); ok {
			return mistraltest.Respond(mistraltest.Text("model read: " + res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"location": "Paris"})), nil
	})
	defer s.Close()
	env := apiEnv(s)
	env["XDG_STATE_HOME"] = t.TempDir()
	for _, tc := range []struct {
		deny bool
		want string
	}{{false, `model read: {"conditions":`}, {true, "model read: Tool call denied: too far"}} {
		code, stdout, stderr := cli(t, env, "run", "--defer", "--stdio", weatherServer, "weather?")
		m := regexp.MustCompile(`(?m)^  (mcprun approve .* (conv_[0-9a-f]+))$`).FindStringSubmatch(stderr)
		call := regexp.MustCompile(`(?m)^  (call_[0-9a-f]+)  get_weather`).FindStringSubmatch(stderr)
		if code != 3 || m == nil || call == nil || stdout != "" {
			t.Fatalf("exit %d %q %q", code, stdout, stderr)
		}
		state := filepath.Join(env["XDG_STATE_HOME"], "mcprun", "deferred", m[2]+".json")
		if fi, err := os.Stat(state); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("state %v %v", fi, err)
		}
		saved, _ := os.ReadFile(state)
		args := []string{"approve", "--stdio", weatherServer}
		if tc.deny {
			args = append(args, "--deny", call[1], "--reason", "too far")
		}
		code, stdout, stderr = cli(t, env, append(args, m[2])...)
		if code != 0 || !strings.HasPrefix(stdout, tc.want) {
			t.Fatalf("approve: exit %d %q %q", code, stdout, stderr)
		}
		answeredOnce(t, s, m[2])
		if _, err := os.Stat(state); !os.IsNotExist(err) {
			t.Errorf("state left: %v", err)
		}
		// Approving again: nothing waits.
		if code, _, stderr = cli(t, env, "approve", "--stdio", weatherServer, m[2]); code != 1 || !strings.Contains(stderr, "no calls wait") {
			t.Errorf("second approve: exit %d %q", code, stderr)
		}
		// A stale copy of the state: refused before anything runs, and kept.
		os.WriteFile(state, saved, 0o600)
		if code, _, stderr = cli(t, env, "approve", "--stdio", weatherServer, m[2]); code != 1 || !strings.Contains(stderr, "no longer awaits") {
			t.Errorf("stale approve: exit %d %q", code, stderr)
		}
		if _, err := os.Stat(state); err != nil {
			t.Errorf("stale state not put back: %v", err)
		}
		os.Remove(state)
		answeredOnce(t, s, m[2])
	}
}

// chat --confirm with piped input: the "y" answers the question, it is not
// a chat turn.
func TestChatConfirmSharesStdin(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.Results()[""]; ok {
			_ = res
		}
		if len(t.Results()) > 0 {
			return mistraltest.Respond(mistraltest.Text("done")), nil
		}
		if t.LastUserMessage() == "weather?" && t.TurnInConversation == 0 {
			return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"location": "Paris"})), nil
		}
		return mistraltest.Respond(mistraltest.Text("you said " + t.LastUserMessage())), nil
	})
	defer s.Close()
	var out, errOut syncBuffer
	a := &app{stdin: strings.NewReader("weather?\ny\nbye\n"), stdout: &out, stderr: &errOut, getenv: apiGetenv(s)}
	if code := a.main(context.Background(), []string{"chat", "--confirm", "--stdio", weatherServer}); code != 0 {
		t.Fatalf("exit %d %q", code, errOut.String())
	}
	var users []string
	for _, r := range s.Requests() {
		var body struct {
			Inputs json.RawMessage `json:"inputs"`
		}
		json.Unmarshal(r.Body, &body)
		var text string
		if json.Unmarshal(body.Inputs, &text) == nil && text != "" {
			users = append(users, text)
		}
	}
	if strings.Join(users, ",") != "weather?,bye" || !strings.Contains(out.String(), "done") {
		t.Fatalf("turns %q, stdout %q, stderr %q", users, out.String(), errOut.String())
	}
}
