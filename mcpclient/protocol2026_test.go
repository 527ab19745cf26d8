package mcpclient

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

// wireServer is a hand-written 2026-07-28 (stateless) MCP server over HTTP
// for what the go-sdk's server would not serve: tools whose x-mcp-header
// annotations are invalid, schemas with a $ref to another document. It
// records the tool calls it gets, with their headers, and counts requests
// for /canary.
type wireServer struct {
	*httptest.Server
	tools   []map[string]any
	skills  []any             // skills/list entries; with any, the extension is declared
	files   map[string]string // resources/read, by URI
	canary  atomic.Int32
	mu      sync.Mutex
	calls   []wireCall
	methods []string
}

type wireCall struct {
	Name   string
	Args   map[string]any
	Meta   map[string]any
	Header http.Header
}

func newWireServer(t *testing.T, tools []map[string]any) *wireServer {
	ws := &wireServer{tools: tools}
	ws.Server = httptest.NewServer(http.HandlerFunc(ws.serve))
	t.Cleanup(ws.Close)
	return ws
}

func (ws *wireServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/canary" {
		ws.canary.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"type":"string"}`)
		return
	}
	if r.Method != http.MethodPost {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	var req struct {
		ID     json.RawMessage `json:"id"`
		Method string          `json:"method"`
		Params struct {
			Name      string         `json:"name"`
			URI       string         `json:"uri"`
			Arguments map[string]any `json:"arguments"`
			Meta      map[string]any `json:"_meta"`
		} `json:"params"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	ws.mu.Lock()
	ws.methods = append(ws.methods, req.Method)
	ws.mu.Unlock()
	if req.ID == nil {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	var result any
	switch req.Method {
	case "server/discover":
		caps := map[string]any{"tools": map[string]any{}}
		if ws.skills != nil {
			caps["resources"] = map[string]any{}
			caps["extensions"] = map[string]any{"io.modelcontextprotocol/skills": map[string]any{}}
		}
		result = map[string]any{
			"resultType": "complete", "ttlMs": 0, "cacheScope": "private",
			"supportedVersions": []string{"2026-07-28"},
			"capabilities":      caps,
			"serverInfo":        map[string]any{"name": "wire", "version": "1"},
		}
	case "skills/list":
		result = map[string]any{"resultType": "complete", "ttlMs": 0, "cacheScope": "private", "skills": ws.skills}
	case "skills/get":
		for _, sk := range ws.skills {
			if m, ok := sk.(map[string]any); ok && m["uri"] == req.Params.URI {
				result = map[string]any{"resultType": "complete", "ttlMs": 0, "cacheScope": "private", "skill": sk}
			}
		}
		if result == nil {
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": req.ID, "error": map[string]any{"code": -32602, "message": "unknown skill"}})
			return
		}
	case "resources/read":
		result = map[string]any{"resultType": "complete", "contents": []any{map[string]any{"uri": req.Params.URI, "mimeType": "text/markdown", "text": ws.files[req.Params.URI]}}}
	case "tools/list":
		result = map[string]any{"resultType": "complete", "ttlMs": 0, "cacheScope": "private", "tools": ws.tools}
	case "tools/call":
		ws.mu.Lock()
		ws.calls = append(ws.calls, wireCall{req.Params.Name, req.Params.Arguments, req.Params.Meta, r.Header.Clone()})
		ws.mu.Unlock()
		result = map[string]any{"resultType": "complete", "content": []any{map[string]any{"type": "text", "text": "ok"}}}
	default:
		result = map[string]any{"resultType": "complete"}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"jsonrpc": "2.0", "id": req.ID, "result": result})
}

func (ws *wireServer) lastCall(t *testing.T) wireCall {
	t.Helper()
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if len(ws.calls) == 0 {
		t.Fatal("the server got no tools/call")
	}
	return ws.calls[len(ws.calls)-1]
}

func connectWire(t *testing.T, ws *wireServer) *Client {
	t.Helper()
	c, err := NewHTTP(ws.URL, WithReconnect(0), WithHTTPTransport(Streamable))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c
}

func prop(typ, header string) map[string]any {
	p := map[string]any{"type": typ}
	if header != "" {
		p["x-mcp-header"] = header
	}
	return p
}

func objSchema(props map[string]any) map[string]any {
	return map[string]any{"type": "object", "properties": props}
}

// SEP-2243: annotated parameters travel as Mcp-Param-* headers; tools with
// invalid annotations are skipped with the reason, and a call by their
// name is refused without reaching the server.
func TestToolHeaders(t *testing.T) {
	ws := newWireServer(t, []map[string]any{
		{"name": "good", "inputSchema": objSchema(map[string]any{"region": prop("string", "Region"), "n": prop("integer", "N")})},
		{"name": "empty_header", "inputSchema": objSchema(map[string]any{"a": map[string]any{"type": "string", "x-mcp-header": ""}})},
		{"name": "object_header", "inputSchema": objSchema(map[string]any{"a": prop("object", "A")})},
		{"name": "dup_header", "inputSchema": objSchema(map[string]any{"a": prop("string", "X-A"), "b": prop("string", "x-a")})},
		{"name": "space_header", "inputSchema": objSchema(map[string]any{"a": prop("string", "A B")})},
	})
	c := connectWire(t, ws)
	ctx := context.Background()
	tools, err := c.Tools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tools) != 1 || tools[0].Name != "good" {
		t.Fatalf("tools = %+v, want only good", tools)
	}
	skipped, err := c.SkippedTools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range skipped {
		if !errors.Is(s.Err, ErrInvalidToolHeaders) {
			t.Errorf("skipped %s: %v, want ErrInvalidToolHeaders", s.Name, s.Err)
		}
		got[s.Name] = s.Err.Error()
	}
	for name, want := range map[string]string{
		"empty_header":  "non-empty",
		"object_header": "string, integer or boolean",
		"dup_header":    "declared by both",
		"space_header":  "not allowed in an HTTP field name",
	} {
		if !strings.Contains(got[name], want) {
			t.Errorf("skipped %s: %q, want it to say %q", name, got[name], want)
		}
	}
	if _, err := c.CallTool(ctx, "dup_header", nil); !errors.Is(err, ErrInvalidTool) || !errors.Is(err, ErrInvalidToolHeaders) {
		t.Errorf("calling a skipped tool: %v, want ErrInvalidTool and ErrInvalidToolHeaders", err)
	}
	if _, err := c.CallTool(ctx, "good", json.RawMessage(`{"region":"Zürich","n":42}`)); err != nil {
		t.Fatal(err)
	}
	h := ws.lastCall(t).Header
	if got := h.Get("Mcp-Param-Region"); got != "=?base64?WsO8cmljaA==?=" {
		t.Errorf("Mcp-Param-Region = %q, want the non-ASCII value in base64", got)
	}
	if got := h.Get("Mcp-Param-N"); got != "42" {
		t.Errorf("Mcp-Param-N = %q, want 42", got)
	}
	if got := h.Get("Mcp-Method"); got != "tools/call" {
		t.Errorf("Mcp-Method = %q", got)
	}
	if got := h.Get("Mcp-Name"); got != "good" {
		t.Errorf("Mcp-Name = %q", got)
	}
}

// SEP-2106: a schema's $ref to another document is never fetched; the
// tool is skipped with the reason. Same-document refs are inlined for the
// model, and the server's schema is kept as sent.
func TestSchemaRefsAndPreservation(t *testing.T) {
	rich := map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema",
		"type":    "object",
		"$defs": map[string]any{
			"address": map[string]any{"$anchor": "addr", "type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}},
		},
		"properties": map[string]any{
			"home": map[string]any{"$ref": "#/$defs/address"},
			"kind": map[string]any{"type": "string"},
		},
		"allOf":                []any{map[string]any{"required": []any{"kind"}}},
		"if":                   map[string]any{"properties": map[string]any{"kind": map[string]any{"const": "x"}}},
		"then":                 map[string]any{"required": []any{"home"}},
		"else":                 map[string]any{},
		"additionalProperties": false,
	}
	ws := newWireServer(t, nil)
	ws.tools = []map[string]any{
		{"name": "rich", "inputSchema": rich},
		{"name": "remote", "inputSchema": objSchema(map[string]any{"p": map[string]any{"$ref": ws.URL + "/canary"}})},
	}
	c := connectWire(t, ws)
	ctx := context.Background()
	tools, err := c.Tools(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tools) != 1 || tools[0].Name != "rich" {
		t.Fatalf("tools = %+v, want only rich", tools)
	}
	var kept any
	if err := json.Unmarshal(tools[0].ServerInputSchema, &kept); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(rich)
	var wantV any
	_ = json.Unmarshal(want, &wantV)
	if !reflect.DeepEqual(kept, wantV) {
		t.Errorf("ServerInputSchema = %s\nwant %s", tools[0].ServerInputSchema, want)
	}
	if strings.Contains(string(tools[0].InputSchema), "$ref") {
		t.Errorf("InputSchema (the model's view) still has a $ref: %s", tools[0].InputSchema)
	}
	skipped, _ := c.SkippedTools(ctx)
	if len(skipped) != 1 || skipped[0].Name != "remote" || !strings.Contains(skipped[0].Err.Error(), "not fetched") {
		t.Errorf("skipped = %v, want remote, not fetched", skipped)
	}
	if n := ws.canary.Load(); n != 0 {
		t.Errorf("the $ref's URL was fetched %d times", n)
	}
}

// A request made under an OpenTelemetry span carries its W3C trace context
// in _meta; one without a span carries none.
func TestTraceparent(t *testing.T) {
	ws := newWireServer(t, []map[string]any{{"name": "t", "inputSchema": objSchema(map[string]any{})}})
	c := connectWire(t, ws)
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ts, _ := trace.ParseTraceState("vendor=v1")
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled, TraceState: ts})
	ctx := trace.ContextWithSpanContext(context.Background(), sc)
	if _, err := c.CallTool(ctx, "t", nil); err != nil {
		t.Fatal(err)
	}
	meta := ws.lastCall(t).Meta
	if got := meta["traceparent"]; got != "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" {
		t.Errorf("traceparent = %v", got)
	}
	if got := meta["tracestate"]; got != "vendor=v1" {
		t.Errorf("tracestate = %v", got)
	}
	if meta["io.modelcontextprotocol/protocolVersion"] != "2026-07-28" {
		t.Errorf("_meta lacks the 2026-07-28 request metadata: %v", meta)
	}
	if _, err := c.CallTool(context.Background(), "t", nil); err != nil {
		t.Fatal(err)
	}
	if _, ok := ws.lastCall(t).Meta["traceparent"]; ok {
		t.Error("a call without a span sent a traceparent")
	}
}

// FuzzCheckToolHeaders: any inputSchema is judged without panicking.
func FuzzCheckToolHeaders(f *testing.F) {
	f.Add([]byte(`{"type":"object","properties":{"a":{"type":"string","x-mcp-header":"A"},"b":{"properties":{"c":{"type":"integer","x-mcp-header":"a"}}}}}`))
	f.Add([]byte(`{"properties":{"a":{"x-mcp-header":7}}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return
		}
		if err := checkToolHeaders(v); err != nil && !errors.Is(err, ErrInvalidToolHeaders) {
			t.Fatalf("error %v does not match ErrInvalidToolHeaders", err)
		}
	})
}
