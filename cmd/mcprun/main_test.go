package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcprun/mcprun/internal/stdioswitch"
	"github.com/mcprun/mcprun/mistraltest"
	"go.uber.org/goleak"
)

var weatherServer string // the example's stdio MCP server, built once

func TestMain(m *testing.M) {
	// The test binary is also a server's supervisor (cli runs servers
	// under it, as mcprun does) and the process tests' stubborn peers.
	if len(os.Args) > 1 && os.Args[1] == superviseArg {
		os.Exit(supervise(os.Args[2:]))
	}
	if role := testRole(); role != nil {
		os.Exit(role())
	}
	// MCPRUN_TEST_SDKSTDIO=1: the in-process CLI's stdio clients on the
	// go-sdk's transport (a built mcprun binary always uses its own).
	stdioswitch.FromTestEnv()
	dir, err := os.MkdirTemp("", "mcprun-cli")
	if err != nil {
		panic(err)
	}
	weatherServer = filepath.Join(dir, "weather-server")
	if out, err := exec.Command("go", "build", "-o", weatherServer, "../../examples/weather/server").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	if mcprunBin != "" {
		os.Remove(mcprunBin)
	}
	// No goroutine may outlive the tests, not even one blocked on a read.
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cli runs mcprun in process with env as its whole environment.
func cli(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut syncBuffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut, getenv: func(k string) string { return env[k] }, self: testSelf()}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code = a.main(ctx, args)
	return code, out.String(), errOut.String()
}

func apiEnv(s *mistraltest.Server) map[string]string {
	return map[string]string{"MISTRAL_API_KEY": "test-key", "MISTRAL_SERVER_URL": s.URL}
}

// apiGetenv is an app's getenv with apiEnv as the whole environment.
func apiGetenv(s *mistraltest.Server) func(string) string {
	env := apiEnv(s)
	return func(k string) string { return env[k] }
}

func TestRunJSON(t *testing.T) {
	s := mistraltest.NewServer(demoModel())
	defer s.Close()
	schema := filepath.Join(t.TempDir(), "weather.schema.json")
	os.WriteFile(schema, []byte(`{"type":"object","properties":{"location":{"type":"string"},"temperature":{"type":"number"}},"required":["location","temperature"],"additionalProperties":false}`), 0o644)
	code, stdout, stderr := cli(t, apiEnv(s), "run", "--stdio", weatherServer, "--output-schema", schema, "--json", "What is the weather in Paris?")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		ConversationID string            `json:"conversation_id"`
		OutputEntries  []json.RawMessage `json:"output_entries"`
		OutputText     string            `json:"output_text"`
		Output         map[string]any    `json:"output"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if out.ConversationID == "" || len(out.OutputEntries) != 3 || out.Output["location"] != "Paris" || out.Output["temperature"].(float64) == 0 {
		t.Fatalf("%s", stdout)
	}
	// Entries are in their API form: snake_case with a type.
	var first map[string]any
	json.Unmarshal(out.OutputEntries[0], &first)
	if first["type"] != "function.call" || first["tool_call_id"] == nil {
		t.Fatalf("entry %s", out.OutputEntries[0])
	}
	if stderr != "" {
		t.Fatalf("stderr not quiet when not a terminal: %q", stderr)
	}
}

func TestRunTextAndStream(t *testing.T) {
	s := mistraltest.NewServer(demoModel(), mistraltest.WithDeltaSize(5))
	defer s.Close()
	code, stdout, stderr := cli(t, apiEnv(s), "run", "--stdio", weatherServer, "Weather at Jane's?")
	if code != 0 || !strings.HasPrefix(stdout, "Jane is in Paris, where it is") {
		t.Fatalf("exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, apiEnv(s), "run", "--stream", "--stdio", weatherServer, "Weather at Jane's?")
	if code != 0 || !strings.HasPrefix(stdout, "Jane is in Paris, where it is") || !strings.Contains(stderr, "→ get_weather") || !strings.Contains(stderr, "← get_weather") {
		t.Fatalf("exit %d stdout %q stderr %q", code, stdout, stderr)
	}
}

func TestRunErrorsAreOneLine(t *testing.T) {
	s := mistraltest.NewServer(demoModel(), mistraltest.WithAPIKey("right"))
	defer s.Close()
	env := apiEnv(s)
	env["MISTRAL_API_KEY"] = "wrong-secret-key"
	code, stdout, stderr := cli(t, env, "run", "hello")
	if code != 1 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "mcprun: ") || !strings.Contains(stderr, "401") {
		t.Fatalf("exit %d stdout %q stderr %q", code, stdout, stderr)
	}
	if strings.Contains(stderr, "wrong-secret-key") {
		t.Fatal("the key leaked into the error")
	}
	// A stdio server that does not exist.
	code, _, stderr = cli(t, apiEnv(s), "run", "--stdio", "/nonexistent/server --flag", "hello")
	if code != 1 || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d stderr %q", code, stderr)
	}
	// Usage errors.
	if code, _, _ := cli(t, apiEnv(s), "run"); code != 2 {
		t.Fatalf("no prompt: exit %d", code)
	}
	if code, _, _ := cli(t, apiEnv(s), "frobnicate"); code != 2 {
		t.Fatalf("unknown command: exit %d", code)
	}
}

func TestToolsAndCall(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "servers.json")
	os.WriteFile(cfg, []byte(`{"mcpServers": {"weather": {"command": "`+weatherServer+`", "args": []}}}`), 0o644)
	code, stdout, stderr := cli(t, nil, "tools", "--config", cfg)
	if code != 0 || !strings.Contains(stdout, "weather") || !strings.Contains(stdout, "get_weather") {
		t.Fatalf("exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, nil, "call", "--config", cfg, "weather", "get_weather", `{"location":"Lyon"}`)
	if code != 0 || !strings.Contains(stdout, `"location":"Lyon"`) {
		t.Fatalf("exit %d %q %q", code, stdout, stderr)
	}
	code, _, stderr = cli(t, nil, "call", "--config", cfg, "nope", "get_weather", `{}`)
	if code != 1 || !strings.Contains(stderr, `no server named "nope" (configured: weather)`) {
		t.Fatalf("exit %d %q", code, stderr)
	}
	// The tool's own error (no location) exits 1 with its text printed.
	code, stdout, _ = cli(t, nil, "call", "--config", cfg, "weather", "get_weather", `{"location":""}`)
	if code != 1 || !strings.Contains(stdout, "location is required") {
		t.Fatalf("exit %d %q", code, stdout)
	}
}

func TestAgents(t *testing.T) {
	s := mistraltest.NewServer(demoModel())
	defer s.Close()
	code, stdout, stderr := cli(t, apiEnv(s), "agents", "create", "--name", "weather teller", "--instructions", "Tell the weather.")
	id := strings.TrimSpace(stdout)
	if code != 0 || id == "" {
		t.Fatalf("exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, _ = cli(t, apiEnv(s), "agents", "list")
	if code != 0 || !strings.Contains(stdout, id) || !strings.Contains(stdout, "weather teller") {
		t.Fatalf("exit %d %q", code, stdout)
	}
	// A run with the agent: its tools are updated, the model sees them.
	code, stdout, stderr = cli(t, apiEnv(s), "run", "--agent", id, "--stdio", weatherServer, "Weather at John's?")
	if code != 0 || !strings.Contains(stdout, "where it is") {
		t.Fatalf("exit %d %q %q", code, stdout, stderr)
	}
}

func TestDemoWithoutKey(t *testing.T) {
	code, stdout, stderr := cli(t, nil, "demo", "--stdio", weatherServer)
	lines := strings.Split(stdout, "\n")
	if code != 0 || !strings.Contains(lines[0], "MISTRAL_API_KEY is not set") || !strings.Contains(lines[0], "mistraltest") {
		t.Fatalf("exit %d %q %q", code, stdout, stderr)
	}
	if !strings.Contains(stdout, `structured output: {"location":"Paris","temperature":`) || !strings.Contains(stdout, "get_location") {
		t.Fatalf("%s", stdout)
	}
}

func TestMockServer(t *testing.T) {
	var out syncBuffer
	a := &app{stdout: &out, stderr: &out, getenv: func(string) string { return "" }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- a.main(ctx, []string{"mock-server", "--addr", "127.0.0.1:0"}) }()
	var url string
	for deadline := time.Now().Add(5 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if f := strings.Fields(out.String()); len(f) > 3 {
			url = f[3]
		}
	}
	code, stdout, stderr := cli(t, map[string]string{"MISTRAL_API_KEY": "k", "MISTRAL_SERVER_URL": url}, "run", "hello there")
	cancel()
	if c := <-done; c != 0 {
		t.Fatalf("mock-server exit %d: %s", c, out.String())
	}
	if code != 0 || stdout != "(mistraltest) You said: hello there\n" {
		t.Fatalf("exit %d %q %q (server said %q)", code, stdout, stderr, out.String())
	}
}

func TestRunContinuesConversation(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	code, stdout, stderr := cli(t, apiEnv(s), "run", "--json", "first")
	var out struct {
		ConversationID string `json:"conversation_id"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &out) != nil || out.ConversationID == "" {
		t.Fatalf("exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, apiEnv(s), "run", "--conversation", out.ConversationID, "second")
	entries, _ := s.Conversation(out.ConversationID)
	if code != 0 || stdout != "second\n" || len(entries) != 4 {
		t.Fatalf("exit %d %q %q, %d entries", code, stdout, stderr, len(entries))
	}
}

func TestRunConfirm(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("get_weather"); ok {
			return mistraltest.Respond(mistraltest.Text("model read: " + res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"location": "Paris"})), nil
	})
	defer s.Close()
	for _, tc := range []struct{ answer, want string }{
		{"n\n", "model read: Tool call denied: the user declined"},
		{"y\n", `model read: {"conditions":`},
	} {
		var out, errOut syncBuffer
		a := &app{stdin: strings.NewReader(tc.answer), stdout: &out, stderr: &errOut, getenv: apiGetenv(s)}
		code := a.main(context.Background(), []string{"run", "--confirm", "--stdio", weatherServer, "weather?"})
		if code != 0 || !strings.HasPrefix(out.String(), tc.want) || !strings.Contains(errOut.String(), `Run get_weather (weather-server) {"location":"Paris"}? [y/N]`) {
			t.Fatalf("answer %q: exit %d %q %q", tc.answer, code, out.String(), errOut.String())
		}
	}
}

func TestRunPromptFromStdin(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	var out, errOut syncBuffer
	a := &app{stdin: strings.NewReader("a prompt\nfrom a pipe\n"), stdout: &out, stderr: &errOut, getenv: apiGetenv(s)}
	if code := a.main(context.Background(), []string{"run", "-"}); code != 0 || out.String() != "a prompt\nfrom a pipe\n" {
		t.Fatalf("exit %d %q %q", code, out.String(), errOut.String())
	}
}

// TestChatRefusesPrompt: chat takes its turns from stdin; a prompt given as
// an argument would be dropped without a word, so it is an error, and the
// usage says where the turns come from.
func TestChatRefusesPrompt(t *testing.T) {
	code, out, stderr := cli(t, nil, "chat", "--stdio", weatherServer, "Weather at Jane's?")
	if code != 1 || out != "" || !strings.Contains(stderr, "chat reads its turns from stdin") {
		t.Fatalf("exit %d %q %q", code, out, stderr)
	}
	if _, help, _ := cli(t, nil, "help", "chat"); !strings.Contains(help, "Usage: mcprun chat [flags]  (each line of stdin is a turn") {
		t.Fatalf("chat usage: %q", help)
	}
	if _, help, _ := cli(t, nil, "help", "demo"); !strings.Contains(help, "Usage: mcprun demo [flags] [PROMPT]") {
		t.Fatalf("demo usage: %q", help)
	}
}

func TestChat(t *testing.T) {
	s := mistraltest.NewServer(demoModel())
	defer s.Close()
	var out, errOut syncBuffer
	a := &app{stdin: strings.NewReader("Weather at Jane's?\n\nthanks\n/exit\nnot read\n"), stdout: &out, stderr: &errOut, getenv: apiGetenv(s)}
	if code := a.main(context.Background(), []string{"chat", "--stdio", weatherServer}); code != 0 {
		t.Fatalf("exit %d %q", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "Jane is in Paris, where it is") || !strings.Contains(lines[1], "where it is") {
		t.Fatalf("%q (stderr %q)", out.String(), errOut.String())
	}
	// One conversation: the second turn appended to the first.
	var convs int
	for _, r := range s.Requests() {
		if r.Method == "POST" && r.Path == "/v1/conversations" {
			convs++
		}
	}
	if convs != 1 {
		t.Fatalf("%d conversations started, want 1", convs)
	}
}
