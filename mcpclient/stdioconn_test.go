package mcpclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcprun/mcprun/internal/stdioswitch"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// ours skips a test of our stdio transport's own behaviour when the suite
// runs over the go-sdk's.
func ours(t *testing.T) {
	if stdioswitch.SDK() {
		t.Skip("a test of our stdio transport; " + stdioswitch.TestEnv + "=1 selects the go-sdk's")
	}
}

// fastServerBin builds internal/benchpeers/fastserver, a hand-written
// server whose modes misbehave in the ways the stdio transport must
// survive.
var fastServerBin = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(filepath.Dir(testServerBin), "fastserver")
	out, err := exec.Command("go", "build", "-o", bin, "../internal/benchpeers/fastserver").CombinedOutput()
	if err != nil {
		return "", errors.New(string(out))
	}
	return bin, nil
})

// fastServer returns a client of fastserver misbehaving in mode once.
func fastServer(t *testing.T, mode string, opts ...Option) *Client {
	t.Helper()
	bin, err := fastServerBin()
	if err != nil {
		t.Fatal(err)
	}
	once := filepath.Join(t.TempDir(), "once")
	opts = append([]Option{WithName("fast"), WithTerminateTimeout(2 * time.Second)}, opts...)
	c, err := NewStdio(bin, []string{"-mode=" + mode, "-once=" + once}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func echo(t *testing.T, c *Client, text string) (*ToolResult, error) {
	t.Helper()
	args, _ := json.Marshal(map[string]string{"text": text})
	return c.CallTool(ctxT(t), "echo", args)
}

// Lines that are not JSON-RPC (a server's stray prints) and blank lines are
// skipped, and logged at debug level with their first bytes.
func TestStdioTransportSkipsNoise(t *testing.T) {
	ours(t)
	noLeaks(t)
	var logs syncBuffer
	c := fastServer(t, "noisy", WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err := c.Connect(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"one", "two"} {
		if res, err := echo(t, c, text); err != nil || res.Text != text {
			t.Fatalf("echo %q: %+v, %v", text, res, err)
		}
	}
	if !strings.Contains(logs.String(), "not JSON-RPC") || !strings.Contains(logs.String(), "npm WARN this is not JSON") {
		t.Errorf("logs:\n%s", logs.String())
	}
	c.Close()
}

// A server that dies in the middle of a message: a clear error matching
// ErrConnectionLost, and the next call gets a new server.
func TestStdioTransportMidMessage(t *testing.T) {
	ours(t)
	noLeaks(t)
	c := fastServer(t, "midmessage", WithReconnect(0))
	if err := c.Connect(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	_, err := echo(t, c, "one")
	if !errors.Is(err, ErrConnectionLost) || !strings.Contains(err.Error(), "middle of a message") {
		t.Fatalf("call to a server dying mid-message: %v", err)
	}
	if res, err := echo(t, c, "two"); err != nil || res.Text != "two" {
		t.Fatalf("next call: %+v, %v", res, err)
	}
	c.Close()
}

// An answer over the bound is dropped, and the call that asked for it gets
// a result marked as an error that says so, for the model to read; the
// session survives (no reconnect).
func TestStdioTransportLineTooLong(t *testing.T) {
	ours(t)
	noLeaks(t)
	var logs syncBuffer
	c := fastServer(t, "longline=5000", func(o *options) error { o.maxLine = 1000; return nil },
		WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if err := c.Connect(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	res, err := echo(t, c, "one")
	if err != nil || !res.IsError || !strings.HasPrefix(res.Text, "Error: the tool's result was too large") || !strings.Contains(res.Text, "over the 1000 bytes") {
		t.Fatalf("call answered with a line too long: %+v, %v", res, err)
	}
	if res, err := echo(t, c, "two"); err != nil || res.Text != "two" {
		t.Fatalf("next call: %+v, %v", res, err)
	}
	if strings.Contains(logs.String(), "connection lost") {
		t.Fatalf("the session did not survive:\n%s", logs.String())
	}
	c.Close()
}

// The id of an oversized message is found where servers write it: first
// (go-sdk, Python SDK) or last (TypeScript SDK).
func TestLongLineID(t *testing.T) {
	for _, c := range []struct {
		line string
		want string
	}{
		{`{"jsonrpc":"2.0","id":42,"result":{"content":[{"type":"text","text":"` + strings.Repeat("x", 3000) + `"}]}}` + "\n", "42"},
		{`{"result":{"content":[{"type":"text","text":"` + strings.Repeat("x", 3000) + `","id":7}]},"jsonrpc":"2.0","id":"a\"b"}` + "\n", `"a\"b"`},
		{`{"id":9,"jsonrpc":"2.0","result":{}}` + "\n", "9"},
	} {
		l := newLineReader(strings.NewReader(c.line+"{}\n"), 20)
		_, err := l.next()
		var e *longLineError
		if !errors.As(err, &e) {
			t.Fatalf("%v", err)
		}
		if got, ok := e.messageID(); !ok || got != c.want || e.size < int64(len(c.line))-1 {
			t.Errorf("id %q %v size %d, want %s", got, ok, e.size, c.want)
		}
		if next, err := l.next(); err != nil || string(next) != "{}" {
			t.Errorf("after the long line: %q %v", next, err)
		}
	}
}

// A server that stops reading: the write fails, the session is known dead
// at once, and the next call gets a new server.
func TestStdioTransportWriteFails(t *testing.T) {
	ours(t)
	noLeaks(t)
	c := fastServer(t, "closestdin", WithReconnect(0), WithTerminateTimeout(100*time.Millisecond))
	if err := c.Connect(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Tools(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	_, err := echo(t, c, "one")
	if !errors.Is(err, ErrConnectionLost) {
		t.Fatalf("call to a server that closed its stdin: %v", err)
	}
	if res, err := echo(t, c, "two"); err != nil || res.Text != "two" {
		t.Fatalf("next call: %+v, %v", res, err)
	}
	c.Close()
}

// Many concurrent callers: every answer reaches its caller (writes are
// gathered, reads are matched by id).
func TestStdioTransportConcurrent(t *testing.T) {
	noLeaks(t)
	c := fastServer(t, "")
	if err := c.Connect(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				want := strings.Repeat("ab", g) + string(rune('a'+i%26))
				if res, err := echo(t, c, want); err != nil || res.Text != want {
					t.Errorf("echo %q: %+v, %v", want, res, err)
					return
				}
			}
		})
	}
	wg.Wait()
	c.Close()
}

// What we write, the go-sdk reads as it wrote it, and the other way round.
func TestWireMatchesGoSDK(t *testing.T) {
	strID, _ := jsonrpc.MakeID("a\"b")
	intID, _ := jsonrpc.MakeID(float64(42))
	msgs := []jsonrpc.Message{
		&jsonrpc.Request{ID: intID, Method: "tools/call", Params: json.RawMessage(`{"name":"echo","arguments":{"text":"hé \u2028 \n"}}`)},
		&jsonrpc.Request{ID: strID, Method: "ping"},
		&jsonrpc.Request{Method: "notifications/initialized", Params: json.RawMessage(`{}`)},
		&jsonrpc.Request{Method: "notifications/x", Params: json.RawMessage("{\n  \"a\": 1\n}")},
		&jsonrpc.Response{ID: intID, Result: json.RawMessage(`{"content":[]}`)},
		&jsonrpc.Response{ID: strID, Error: &jsonrpc.Error{Code: -32602, Message: "bad", Data: json.RawMessage(`{"x":1}`)}},
	}
	var d decoder
	for _, m := range msgs {
		ours, err := appendMessage(nil, m)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.ContainsAny(ours, "\n\r") {
			t.Errorf("a line break in %s", ours)
		}
		back, err := jsonrpc.DecodeMessage(ours)
		if err != nil {
			t.Fatalf("go-sdk cannot read %s: %v", ours, err)
		}
		theirs, err := jsonrpc.EncodeMessage(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.decode(theirs)
		if err != nil || len(got) != 1 {
			t.Fatalf("cannot read the go-sdk's %s: %v", theirs, err)
		}
		for _, pair := range [][2]jsonrpc.Message{{back, m}, {got[0], m}} {
			if !sameMessage(pair[0], pair[1]) {
				t.Errorf("%#v\nread back as %#v", pair[1], pair[0])
			}
		}
	}
	// A response wrapping a JSON-RPC error keeps its code, as the go-sdk's.
	wrapped := &jsonrpc.Response{ID: intID, Error: errors.Join(&jsonrpc.Error{Code: -32000, Message: "inner"})}
	out, _ := appendMessage(nil, wrapped)
	if want, _ := jsonrpc.EncodeMessage(wrapped); string(out) != string(want) {
		t.Errorf("wrapped error: %s, the go-sdk writes %s", out, want)
	}
	for _, bad := range []string{`{"jsonrpc":"1.0","id":1,"result":{}}`, `{"jsonrpc":"2.0","result":{}}`, `{"jsonrpc":"2.0","id":{},"result":{}}`, `[]`, `not json`} {
		if _, err := d.decode([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	batch, err := d.decode([]byte(`[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","id":1,"result":{}}]`))
	if err != nil || len(batch) != 2 {
		t.Errorf("batch: %v, %v", batch, err)
	}
}

func sameMessage(a, b jsonrpc.Message) bool {
	compact := func(r json.RawMessage) string {
		var buf bytes.Buffer
		if len(r) > 0 && json.Compact(&buf, r) != nil {
			return string(r)
		}
		return buf.String()
	}
	switch a := a.(type) {
	case *jsonrpc.Request:
		b, ok := b.(*jsonrpc.Request)
		return ok && a.ID == b.ID && a.Method == b.Method && compact(a.Params) == compact(b.Params)
	case *jsonrpc.Response:
		b, ok := b.(*jsonrpc.Response)
		return ok && a.ID == b.ID && compact(a.Result) == compact(b.Result) && reflect.DeepEqual(a.Error, b.Error)
	}
	return false
}

// Close of a client whose server ignores stdin being closed: SIGTERM
// after the terminate timeout, nothing left behind.
func TestStdioTransportCloseStubbornServer(t *testing.T) {
	noLeaks(t)
	c := fastServer(t, "closestdin", WithTerminateTimeout(100*time.Millisecond))
	if err := c.Connect(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Tools(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c.Close()
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
}
