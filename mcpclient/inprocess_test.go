//lint:file-ignore SA1019 sampling, deprecated in protocol 2026-07-28, is still part of what is tested.

package mcpclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type textIn struct {
	Text string `json:"text"`
}

// newGoServer is an in-process go-sdk server with the tools the tests use.
func newGoServer() *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "gosrv", Version: "0.0.1"}, &mcp.ServerOptions{Instructions: "be nice"})
	mcp.AddTool(s, &mcp.Tool{Name: "echo"}, func(_ context.Context, _ *mcp.CallToolRequest, in textIn) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: in.Text}}}, nil, nil
	})
	nestedSchema := map[string]any{
		"type":       "object",
		"properties": map[string]any{"a": map[string]any{"$ref": "#/$defs/node"}},
		"$defs": map[string]any{"node": map[string]any{
			"type":       "object",
			"properties": map[string]any{"value": map[string]any{"type": "string"}, "next": map[string]any{"$ref": "#/$defs/node"}},
		}},
	}
	s.AddTool(&mcp.Tool{Name: "nested", InputSchema: nestedSchema}, func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "nested"}}}, nil
	})
	// Sampling and elicitation the 2026-07-28 way (multi round-trip: the
	// go-sdk emulates it for older protocol versions).
	mcp.AddTool(s, &mcp.Tool{Name: "sample"}, func(_ context.Context, req *mcp.CallToolRequest, in textIn) (*mcp.CallToolResult, any, error) {
		resp, ok := req.Params.InputResponses["s"]
		if !ok {
			return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{"s": &mcp.CreateMessageParams{
				Messages:  []*mcp.SamplingMessage{{Role: "user", Content: &mcp.TextContent{Text: in.Text}}},
				MaxTokens: 10,
			}}}, nil, nil
		}
		var text string
		switch r := resp.(type) {
		case *mcp.CreateMessageResult:
			text = r.Content.(*mcp.TextContent).Text
		case *mcp.CreateMessageWithToolsResult:
			text = r.Content[0].(*mcp.TextContent).Text
		default:
			text = fmt.Sprintf("unexpected %T", resp)
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}, nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "elicit"}, func(_ context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
		resp, ok := req.Params.InputResponses["e"]
		if !ok {
			return &mcp.CallToolResult{InputRequests: mcp.InputRequestMap{"e": &mcp.ElicitParams{
				Message:         "name?",
				RequestedSchema: map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}},
			}}}, nil, nil
		}
		res, ok := resp.(*mcp.ElicitResult)
		if !ok {
			return nil, nil, fmt.Errorf("unexpected %T", resp)
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprint(res.Action, " ", res.Content["name"])}}}, nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "add_tool"}, func(_ context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
		mcp.AddTool(s, &mcp.Tool{Name: "added"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "I was added"}}}, nil, nil
		})
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "ok"}}}, nil, nil
	})
	return s
}

func TestInMemory(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	var sampled atomic.Value
	changed := make(chan []Tool, 4)
	c := must(NewInMemory(newGoServer(),
		//lint:ignore SA1019 sampling is what is being tested.
		WithSamplingHandler(func(_ context.Context, req *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
			sampled.Store(req.Params.Messages[0].Content.(*mcp.TextContent).Text)
			return &mcp.CreateMessageResult{Model: "m", Role: "assistant", Content: &mcp.TextContent{Text: "sampled answer"}}, nil
		}),
		WithElicitationHandler(func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"name": "ada"}}, nil
		}),
		WithToolsChanged(func(ts []Tool) { changed <- ts }),
	))
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if c.ServerInfo().Name != "gosrv" || c.ServerInfo().Instructions != "be nice" {
		t.Errorf("ServerInfo = %+v", c.ServerInfo())
	}
	tools, err := c.Tools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !hasTool(tools, "nested") {
		t.Fatalf("no nested tool in %v", tools)
	}
	for _, tl := range tools {
		if tl.Name == "nested" && (strings.Contains(string(tl.InputSchema), "$ref") || !strings.Contains(string(tl.InputSchema), `"next":{"type":"object"}`)) {
			t.Errorf("nested schema not inlined: %s", tl.InputSchema)
		}
	}
	res, err := c.CallTool(ctx, "sample", json.RawMessage(`{"text":"question"}`))
	if err != nil || res.Text != "sampled answer" {
		t.Fatalf("sample = %+v, %v", res, err)
	}
	if sampled.Load() != "question" {
		t.Errorf("sampling handler saw %v", sampled.Load())
	}
	res, err = c.CallTool(ctx, "elicit", nil)
	if err != nil || res.Text != "accept ada" {
		t.Fatalf("elicit = %+v, %v", res, err)
	}
	// list_changed refreshes the cache and reports the new list.
	if res, err := c.CallTool(ctx, "add_tool", nil); err != nil || res.IsError {
		t.Fatalf("add_tool = %+v, %v", res, err)
	}
	var got []Tool
	select {
	case got = <-changed:
	case <-ctx.Done():
		t.Fatal("no tools-changed callback")
	}
	if !hasTool(got, "added") {
		t.Errorf("new list lacks the added tool: %v", got)
	}
	if res, err := c.CallTool(ctx, "added", nil); err != nil || res.Text != "I was added" {
		t.Errorf("added = %+v, %v", res, err)
	}
	c.Close()
}

func hasTool(ts []Tool, name string) bool {
	for _, t := range ts {
		if t.Name == name {
			return true
		}
	}
	return false
}

// headerCheck records the X-Api-Key header of every request.
type headerCheck struct {
	mu   sync.Mutex
	keys map[string]int
	next http.Handler
}

func (h *headerCheck) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	if h.keys == nil {
		h.keys = map[string]int{}
	}
	h.keys[r.Header.Get("X-Api-Key")]++
	h.mu.Unlock()
	h.next.ServeHTTP(w, r)
}

func (h *headerCheck) onlyKey(t *testing.T, want string) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.keys) != 1 || h.keys[want] == 0 {
		t.Errorf("X-Api-Key values seen: %v, want only %q", h.keys, want)
	}
}

func TestStreamableHTTPGoServer(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	srv := newGoServer()
	hc := &headerCheck{next: mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)}
	ts := httptest.NewServer(hc)
	defer ts.Close()
	c := must(NewHTTP(ts.URL, WithHTTPTransport(Streamable), WithHeaders(map[string]string{"X-Api-Key": "k1"})))
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Name() != strings.TrimPrefix(ts.URL, "http://") {
		t.Errorf("Name = %q", c.Name())
	}
	res, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"over http"}`))
	if err != nil || res.Text != "over http" {
		t.Fatalf("echo = %+v, %v", res, err)
	}
	// The server expires the session: the next safe call re-initialises.
	for ss := range srv.Sessions() {
		ss.Close()
	}
	if _, err := c.Tools(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping after session expiry: %v", err)
	}
	res, err = c.CallTool(ctx, "echo", json.RawMessage(`{"text":"new session"}`))
	if err != nil || res.Text != "new session" {
		t.Fatalf("echo after expiry = %+v, %v", res, err)
	}
	c.Close()
	hc.onlyKey(t, "k1")
	ts.Close()
}

func TestSSEGoServerAndFallback(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	srv := newGoServer()
	hc := &headerCheck{next: mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil)}
	ts := httptest.NewServer(hc)
	defer ts.Close()

	c := must(NewHTTP(ts.URL, WithHTTPTransport(SSE), WithHeaders(map[string]string{"X-Api-Key": "k2"}), WithConnectTimeout(10e9)))
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"over sse"}`))
	if err != nil || res.Text != "over sse" {
		t.Fatalf("echo = %+v, %v", res, err)
	}
	c.Close()
	hc.onlyKey(t, "k2")

	// NewHTTP tries Streamable HTTP first; the SSE handler refuses the
	// POST with a 4xx, so it falls back to SSE.
	h := must(NewHTTP(ts.URL, WithName("fallback")))
	if err := h.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	res, err = h.CallTool(ctx, "echo", json.RawMessage(`{"text":"fell back"}`))
	if err != nil || res.Text != "fell back" {
		t.Fatalf("echo via fallback = %+v, %v", res, err)
	}
	h.Close()

	// And NewHTTP on a Streamable HTTP server stays there.
	ts2 := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	defer ts2.Close()
	h2 := must(NewHTTP(ts2.URL))
	if err := h2.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h2.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	h2.Close()
	ts.Close()
	ts2.Close()
}

func TestHTTPUnreachable(t *testing.T) {
	noLeaks(t)
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	c := must(NewHTTP(url, WithConnectTimeout(5e9)))
	err := c.Connect(ctxT(t))
	var se *ServerError
	if !errors.As(err, &se) {
		t.Fatalf("Connect = %v, want a ServerError", err)
	}
	c.Close()
}

func TestSSEReadTimeoutReconnects(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	srv := newGoServer()
	sse := mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	// Event streams opened (GET) and ended by the client, as the server
	// sees them. The server sends nothing after the endpoint event.
	var opened, ended atomic.Int32
	reopened := make(chan struct{})
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			sse.ServeHTTP(w, r)
			return
		}
		if opened.Add(1) == 2 {
			close(reopened)
		}
		sse.ServeHTTP(w, r)
		if r.Context().Err() != nil {
			ended.Add(1)
		}
	}))
	defer ts.Close()
	c := must(NewHTTP(ts.URL, WithHTTPTransport(SSE), WithSSEReadTimeout(300*time.Millisecond)))
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	first := c.Stderr() // "": not stdio
	if first != "" {
		t.Errorf("Stderr of an SSE client = %q", first)
	}
	// The silent stream is cut after 300 ms, and the supervisor connects
	// again: a second event stream. Without the read timeout the first
	// stream stays open and this waits until ctx ends.
	select {
	case <-reopened:
	case <-ctx.Done():
		t.Fatalf("no second event stream (streams opened %d, ended by the client %d): the read timeout did not cut the silent one", opened.Load(), ended.Load())
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatalf("Ping after the stream went silent: %v", err)
	}
	waitFor(t, func() bool { return ended.Load() > 0 }, "the server to see the silent stream ended by the client")
	c.Close()
	ts.Close()
}
