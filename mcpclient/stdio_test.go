package mcpclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestStdioEcho(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	c := testServer(t, "echo")
	if _, err := c.Tools(ctx); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("Tools before Connect: %v, want ErrNotConnected", err)
	}
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(ctx); err != nil {
		t.Fatalf("second Connect: %v", err)
	}
	info := c.ServerInfo()
	if info.Name != "testserver" || info.Version != "1.2.3" || info.Instructions != "a server for tests" {
		t.Errorf("ServerInfo = %+v", info)
	}
	if c.Name() != "ts" {
		t.Errorf("Name = %q", c.Name())
	}
	tools, err := c.Tools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]Tool{}
	for _, tl := range tools {
		names[tl.Name] = tl
	}
	echo, ok := names["echo"]
	if !ok {
		t.Fatalf("no echo tool in %v", tools)
	}
	var schema map[string]any
	if err := json.Unmarshal(echo.InputSchema, &schema); err != nil || schema["type"] != "object" {
		t.Errorf("echo schema = %s (%v)", echo.InputSchema, err)
	}
	res, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"hi there"}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError || res.Text != "hi there" {
		t.Errorf("echo = %+v", res)
	}
	res, err = c.CallTool(ctx, "sum", json.RawMessage(`{"a":1,"b":2}`))
	if err != nil || res.IsError || !strings.Contains(res.Text, `"sum":3`) {
		t.Errorf("sum = %+v, %v", res, err)
	}
	res, err = c.CallTool(ctx, "fail", nil)
	if err != nil || !res.IsError || !strings.Contains(res.Text, "failing on purpose") {
		t.Errorf("fail = %+v, %v", res, err)
	}
	res, err = c.CallTool(ctx, "echo", json.RawMessage(`[1,2]`))
	if res != nil || !errors.Is(err, ErrInvalidArguments) {
		t.Errorf("echo with array args = %+v, %v; want ErrInvalidArguments", res, err)
	}
	if _, err := c.CallTool(ctx, "nope", nil); !errors.Is(err, ErrToolNotFound) {
		t.Errorf("CallTool(nope) = %v, want ErrToolNotFound", err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	rs, err := c.Resources(ctx)
	if err != nil || len(rs) != 1 || rs[0].URI != "test://hello" {
		t.Errorf("Resources = %v, %v", rs, err)
	}
	rr, err := c.ReadResource(ctx, "test://hello")
	if err != nil || len(rr.Contents) != 1 || rr.Contents[0].Text != "hello" {
		t.Errorf("ReadResource = %v, %v", rr, err)
	}
	ps, err := c.Prompts(ctx)
	if err != nil || len(ps) != 1 || ps[0].Name != "greet" {
		t.Errorf("Prompts = %v, %v", ps, err)
	}
	gp, err := c.GetPrompt(ctx, "greet", map[string]string{"who": "bob"})
	if err != nil || len(gp.Messages) != 1 {
		t.Errorf("GetPrompt = %v, %v", gp, err)
	}
	if !strings.Contains(c.Stderr(), "testserver starting") {
		t.Errorf("Stderr = %q", c.Stderr())
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := c.CallTool(ctx, "echo", nil); !errors.Is(err, ErrClosed) {
		t.Errorf("CallTool after Close = %v, want ErrClosed", err)
	}
	if err := c.Connect(ctx); !errors.Is(err, ErrClosed) {
		t.Errorf("Connect after Close = %v, want ErrClosed", err)
	}
}

func TestStdioConcurrentCalls(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	c := testServer(t, "echo")
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			res, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"x"}`))
			if err != nil || res.Text != "x" {
				t.Errorf("call %d: %+v, %v", i, res, err)
			}
		})
	}
	wg.Wait()
	c.Close()
}

func TestStdioCallTimeout(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	c := testServer(t, "echo", WithCallTimeout(300*time.Millisecond))
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := c.CallTool(ctx, "sleep", json.RawMessage(`{"ms":60000}`))
	var se *ServerError
	if res != nil || !errors.Is(err, ErrCallTimeout) || !errors.As(err, &se) || !strings.Contains(err.Error(), `call tool "sleep": mcpclient: tool call timed out after 300ms`) {
		t.Errorf("timed-out call = %+v, %v", res, err)
	}
	// The server saw notifications/cancelled: its handler's ctx ended.
	waitFor(t, func() bool { return strings.Contains(c.Stderr(), "sleep cancelled") }, "server to log the cancellation")
	// The session is still usable.
	res, err = c.CallTool(ctx, "echo", json.RawMessage(`{"text":"still here"}`))
	if err != nil || res.Text != "still here" {
		t.Errorf("after timeout: %+v, %v", res, err)
	}
	c.Close()
}

func TestStdioCallerCancel(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	c := testServer(t, "echo")
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Tools(ctx); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := c.CallTool(cctx, "sleep", json.RawMessage(`{"ms":60000}`))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled call: %v, want context.Canceled", err)
	}
	waitFor(t, func() bool { return strings.Contains(c.Stderr(), "sleep cancelled") }, "server to log the cancellation")
	c.Close()
}

func TestStdioProgress(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	var mu sync.Mutex
	var events []ProgressEvent
	c := testServer(t, "echo", WithProgress(func(e ProgressEvent) {
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}))
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := c.CallTool(ctx, "progress", json.RawMessage(`{"steps":3}`))
	if err != nil || res.Text != "done" {
		t.Fatalf("progress = %+v, %v", res, err)
	}
	// Notifications may be delivered just after the result.
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(events) >= 3 }, "3 progress events")
	mu.Lock()
	e := events[0]
	mu.Unlock()
	if e.Server != "ts" || e.Tool != "progress" || e.Total != 3 || e.Progress < 1 {
		t.Errorf("event = %+v", e)
	}
	c.Close()
}

func TestStdioConnectTimeoutNoInit(t *testing.T) {
	noLeaks(t)
	c := testServer(t, "noinit", WithConnectTimeout(time.Second))
	err := c.Connect(ctxT(t))
	var se *ServerError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "connect timeout") {
		t.Fatalf("Connect = %v, want a connect timeout ServerError", err)
	}
	if !strings.Contains(se.Stderr, "testserver starting") {
		t.Errorf("stderr tail missing: %q", se.Stderr)
	}
	c.Close()
}

func TestStdioGarbage(t *testing.T) {
	noLeaks(t)
	c := testServer(t, "garbage", WithConnectTimeout(5*time.Second))
	err := c.Connect(ctxT(t))
	if err == nil {
		t.Fatal("Connect to a server printing garbage succeeded")
	}
	t.Logf("garbage: %v", err)
	c.Close()
}

func TestStdioBadCommand(t *testing.T) {
	noLeaks(t)
	c := must(NewStdio("/nonexistent/mcp-server", nil))
	err := c.Connect(ctxT(t))
	var se *ServerError
	if !errors.As(err, &se) || se.Server != "mcp-server" {
		t.Fatalf("Connect = %v", err)
	}
	_, err = c.Tools(ctxT(t))
	if !errors.Is(err, ErrNotConnected) || !errors.As(err, &se) {
		t.Errorf("Tools after a failed Connect = %v, want ErrNotConnected with the ServerError", err)
	}
	c.Close()
}

func TestStdioBigResult(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	c := testServer(t, "big")
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"x"}`))
	switch {
	case err != nil:
		// The go-sdk refuses a frame that large: a clear error is fine.
		if !strings.Contains(err.Error(), "exceeded") {
			t.Errorf("50 MB result: unclear error %v", err)
		}
	case res.IsError && strings.Contains(res.Text, "too large"):
		// Over the frame cap: dropped, and said to the model (our transport).
	case len(res.Text) > MaxResultText+200 || !strings.Contains(res.Text, "output truncated"):
		t.Errorf("50 MB result not bounded and marked: %d bytes", len(res.Text))
	}
	// The client recovers (restarting the server if the frame broke the
	// connection).
	if err := c.Ping(ctx); err != nil {
		t.Errorf("Ping after a 50 MB result: %v", err)
	}
	c.Close()
}

func TestStdioDupAndBadSchema(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	var logs syncBuffer
	c := testServer(t, "dup,badschema", WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	tools, err := c.Tools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	byName := map[string]Tool{}
	for _, tl := range tools {
		count[tl.OriginalName]++
		if _, dup := byName[tl.Name]; dup {
			t.Errorf("two tools named %q", tl.Name)
		}
		byName[tl.Name] = tl
	}
	if count["echo"] != 1 {
		t.Errorf("echo listed %d times", count["echo"])
	}
	if byName["get_sum"].OriginalName != "get_sum" || byName["get_sum_2"].OriginalName != "get.sum" {
		t.Errorf("get.sum/get_sum not disambiguated: %+v", byName)
	}
	if string(byName["no_schema"].InputSchema) != `{"type":"object","properties":{}}` {
		t.Errorf("no_schema = %s", byName["no_schema"].InputSchema)
	}
	for _, bad := range []string{"bad_string", "bad_type", "bad_array"} {
		if _, ok := byName[bad]; ok {
			t.Errorf("%s listed", bad)
		}
		if _, err := c.CallTool(ctx, bad, nil); !errors.Is(err, ErrInvalidTool) {
			t.Errorf("CallTool(%s) = %v, want ErrInvalidTool", bad, err)
		}
	}
	for _, want := range []string{"two tools with the same name", "invalid input schema", "bad_string", "collides after sanitising"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("no warning with %q in logs:\n%s", want, logs.String())
		}
	}
	// A renamed tool is called by its original name (which this server
	// only lists, so it answers with a JSON-RPC error naming it).
	res, err := c.CallTool(ctx, "get_sum_2", json.RawMessage(`{}`))
	var rpcErr *jsonrpc.Error
	if res != nil || !errors.As(err, &rpcErr) || !strings.Contains(rpcErr.Message, `"get.sum"`) {
		t.Errorf("get_sum_2 = %+v, %v; want a JSON-RPC error naming get.sum", res, err)
	}
	c.Close()
}

func TestStdioCrashAndRestart(t *testing.T) {
	// The restarted server lists the same tools (reported to
	// WithToolsChanged: never), or other ones (reported once).
	t.Run("same tools", func(t *testing.T) { testCrashAndRestart(t, "crash-after=1", 0) })
	t.Run("other tools", func(t *testing.T) { testCrashAndRestart(t, "crash-after=1,pidtool", 1) })
}

func testCrashAndRestart(t *testing.T, mode string, wantChanged int) {
	noLeaks(t)
	ctx := ctxT(t)
	var mu sync.Mutex
	var changed int
	var last []Tool
	c := testServer(t, mode, WithToolsChanged(func(ts []Tool) { mu.Lock(); changed++; last = ts; mu.Unlock() }))
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if res, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"one"}`)); err != nil || res.Text != "one" {
		t.Fatalf("first call: %+v, %v", res, err)
	}
	_, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"two"}`))
	var se *ServerError
	if !errors.As(err, &se) || !errors.Is(err, ErrConnectionLost) {
		t.Fatalf("call to a crashing server: %v, want a ServerError matching ErrConnectionLost", err)
	}
	t.Logf("crash error: %v", err)
	// The supervisor restarts the server; safe operations wait for it.
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping after restart: %v", err)
	}
	if res, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"three"}`)); err != nil || res.Text != "three" {
		t.Fatalf("call after restart: %+v, %v", res, err)
	}
	if !strings.Contains(c.Stderr(), "boom") {
		t.Errorf("stderr = %q", c.Stderr())
	}
	// The supervisor lists the tools again after reconnecting, and reports
	// a change before it is done: wait for that (restarting was set before
	// the crashed call returned).
	waitFor(t, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return !c.restarting
	}, "the supervisor to finish")
	tools, err := c.Tools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if changed != wantChanged {
		t.Errorf("WithToolsChanged called %d times after the restart, want %d", changed, wantChanged)
	}
	if wantChanged > 0 && !slices.EqualFunc(last, tools, func(a, b Tool) bool { return a.Name == b.Name }) {
		t.Errorf("WithToolsChanged reported %v, Tools lists %v", toolNames(last), toolNames(tools))
	}
	mu.Unlock()
	c.Close()
}

func TestStdioCrashNoSupervisor(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	c := testServer(t, "echo", WithReconnect(0))
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := c.CallTool(ctx, "crash", nil)
	if !errors.Is(err, ErrConnectionLost) {
		t.Fatalf("crash call: %v", err)
	}
	if !strings.Contains(err.Error(), "boom") {
		t.Errorf("error lacks the stderr tail: %v", err)
	}
	// Without a supervisor the next call connects again.
	if res, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"back"}`)); err != nil || res.Text != "back" {
		t.Fatalf("call after crash: %+v, %v", res, err)
	}
	c.Close()
}

func TestStdioHangClose(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	c := testServer(t, "hang")
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Tools(ctx); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"x"}`))
		if !errors.Is(err, ErrClosed) {
			t.Errorf("hung call after Close: %v, want ErrClosed", err)
		}
	}()
	time.Sleep(200 * time.Millisecond)
	c.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("call still hung after Close")
	}
}

func TestConnectAll(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	var cs []*Client
	for range 3 {
		cs = append(cs, testServer(t, "slowstart=300ms"))
	}
	bad := must(NewStdio("/nonexistent/srv", nil, WithName("broken")))
	t.Cleanup(func() { bad.Close() })
	err := ConnectAll(ctx, append(cs, bad)...)
	if err == nil || !strings.Contains(err.Error(), `"broken"`) {
		t.Fatalf("ConnectAll = %v, want an error naming broken", err)
	}
	for _, c := range cs {
		if err := c.Ping(ctx); err != nil {
			t.Error(err)
		}
		c.Close()
	}
	bad.Close()
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent writes (a log sink).
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func toolNames(ts []Tool) []string {
	var names []string
	for _, t := range ts {
		names = append(names, t.Name)
	}
	return names
}
