package run_test

import (
	"context"
	"slices"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

func TestSpans(t *testing.T) {
	s := mistraltest.NewServer(callOnce("get_weather", map[string]string{"city": "Paris"}))
	defer s.Close()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer tp.Shutdown(context.Background())
	r := newRunner(t, s, run.WithModel("mistral-small-latest"), run.WithFunctions(getWeather), run.WithTracerProvider(tp))
	if _, err := r.Run(context.Background(), mistral.TextInputs("go")); err != nil {
		t.Fatal(err)
	}
	var names []string
	attrs := map[string]string{}
	for _, sp := range rec.Ended() {
		names = append(names, sp.Name())
		if sp.Name() == "execute_tool get_weather" {
			for _, kv := range sp.Attributes() {
				attrs[string(kv.Key)] = kv.Value.String()
			}
			if sp.Parent().SpanID() == [8]byte{} {
				t.Error("tool span has no parent")
			}
		}
	}
	slices.Sort(names)
	if want := []string{"chat mistral-small-latest", "chat mistral-small-latest", "execute_tool get_weather", "invoke_agent mistral-small-latest"}; !slices.Equal(names, want) {
		t.Fatalf("spans %v, want %v", names, want)
	}
	if attrs["gen_ai.operation.name"] != "execute_tool" || attrs["gen_ai.tool.call.id"] == "" || attrs["gen_ai.tool.call.arguments"] != `{"city":"Paris"}` {
		t.Fatalf("tool span attributes %v", attrs)
	}
}

// The tool call's span reaches the MCP server: the request's _meta carries
// the execute_tool span's W3C trace context.
func TestTraceparentReachesMCPServer(t *testing.T) {
	s := mistraltest.NewServer(callOnce("probe", map[string]string{}))
	defer s.Close()
	var got string
	srv := mcp.NewServer(&mcp.Implementation{Name: "probe", Version: "1"}, nil)
	mcp.AddTool(srv, &mcp.Tool{Name: "probe"}, func(_ context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
		got, _ = req.Params.Meta["traceparent"].(string)
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "ok"}}}, nil, nil
	})
	c := mustMCP(mcpclient.NewInMemory(srv, mcpclient.WithName("probe")))
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer tp.Shutdown(context.Background())
	r := newRunner(t, s, run.WithModel("m"), run.WithMCP(c), run.WithTracerProvider(tp))
	if _, err := r.Run(context.Background(), mistral.TextInputs("go")); err != nil {
		t.Fatal(err)
	}
	var want string
	for _, sp := range rec.Ended() {
		if sp.Name() == "execute_tool probe" {
			sc := sp.SpanContext()
			want = "00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-01"
		}
	}
	if want == "" || got != want {
		t.Errorf("traceparent at the server = %q, want the tool span's %q", got, want)
	}
}
