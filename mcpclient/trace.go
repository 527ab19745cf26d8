package mcpclient

import (
	"context"
	"reflect"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"go.opentelemetry.io/otel/trace"
)

// Trace context in requests: a request made under an OpenTelemetry span
// carries the span's W3C trace context in its _meta ("traceparent", and
// "tracestate" when there is one), as MCP 2026-07-28 specifies, so that a
// server's spans join the caller's trace. Nothing is added without a valid
// span context in ctx, and a value the caller already put in _meta wins.
const (
	metaTraceparent = "traceparent"
	metaTracestate  = "tracestate"
)

// traceMiddleware adds the trace context of ctx to every outgoing request
// that has params.
func traceMiddleware(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		sc := trace.SpanContextFromContext(ctx)
		if !sc.IsValid() {
			return next(ctx, method, req)
		}
		p := req.GetParams()
		if p == nil || isNilParams(p) {
			return next(ctx, method, req)
		}
		m := p.GetMeta()
		if _, ok := m[metaTraceparent]; ok {
			return next(ctx, method, req)
		}
		out := make(map[string]any, len(m)+2)
		for k, v := range m {
			out[k] = v
		}
		out[metaTraceparent] = traceparent(sc)
		if ts := sc.TraceState().String(); ts != "" {
			out[metaTracestate] = ts
		}
		p.SetMeta(out)
		return next(ctx, method, req)
	}
}

// traceparent formats sc as a W3C Trace Context traceparent (version 00).
func traceparent(sc trace.SpanContext) string {
	const hex = "0123456789abcdef"
	f := byte(sc.TraceFlags())
	return "00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-" + string([]byte{hex[f>>4], hex[f&0xf]})
}

// isNilParams reports a typed nil behind the Params interface (a request
// sent without params), whose GetMeta and SetMeta would panic.
func isNilParams(p mcp.Params) bool {
	v := reflect.ValueOf(p)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
