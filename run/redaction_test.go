package run_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// Secrets in use never reach the model or a span, even quoted in prose
// (a tool's answer, an error); a server's stderr tail reaches neither,
// and stays in the error chain for the caller.
func TestRedaction(t *testing.T) {
	const key = "sk-the-api-key-0123"
	leak := run.MustFunc("leak", "leaks", func(ctx context.Context, in struct {
		Mode string `json:"mode"`
	}) (string, error) {
		if in.Mode == "text" {
			return "Sure! Your key is " + key + ", keep it safe.", nil
		}
		return "", &mcpclient.ServerError{Server: "s", Op: "call tool", Err: errors.New("refused " + key), Stderr: "debug: AWS_SECRET=wJalrXUtnFEMI"}
	})
	for _, mode := range []string{"text", "error"} {
		s := mistraltest.NewServer(callOnce("leak", map[string]string{"mode": mode}))
		rec := tracetest.NewSpanRecorder()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
		r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(leak), run.WithTracerProvider(tp), run.WithContinueOnError(true), run.WithRedaction(key))
		res, err := r.Run(context.Background(), mistral.TextInputs("go"))
		if err != nil {
			t.Fatal(err)
		}
		seen := res.Text() // the model echoes what it read
		for _, sp := range rec.Ended() {
			seen += " " + sp.Status().Description
			for _, kv := range sp.Attributes() {
				seen += " " + fmt.Sprint(kv.Value.AsInterface())
			}
		}
		for _, secret := range []string{key, "wJalrXUtnFEMI"} {
			if strings.Contains(seen, secret) {
				t.Errorf("%s: %q reached the model or a span: %s", mode, secret, seen)
			}
		}
		if !strings.Contains(seen, "[REDACTED]") {
			t.Errorf("%s: no redaction seen: %s", mode, seen)
		}
		tp.Shutdown(context.Background())
		s.Close()
	}
}
