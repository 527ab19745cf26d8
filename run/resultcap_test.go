package run_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// bigServer is a go-sdk server on loopback whose "dump" tool returns 200 KB.
func bigServer(t *testing.T) *mcpclient.Client {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: "big", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "dump", Description: "Dumps a lot."}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: strings.Repeat("é", 100_000)}}}, nil, nil
	})
	hs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil))
	t.Cleanup(hs.Close)
	return mustMCP(mcpclient.NewHTTP(hs.URL, mcpclient.WithName("big")))
}

var bigFunc = run.MustFunc("big_func", "Returns a lot.", func(ctx context.Context, in struct{}) (string, error) {
	return strings.Repeat("x", 10_000), nil
})

func TestResultCap(t *testing.T) {
	read := func(t *testing.T, tool string, opts ...run.Option) string {
		s := mistraltest.NewServer(callOnce(tool, map[string]any{}))
		defer s.Close()
		res, err := newRunner(t, s, append([]run.Option{run.WithModel("m")}, opts...)...).Run(context.Background(), mistral.TextInputs("go"))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(res.Text(), "got: ")
	}
	check := func(t *testing.T, got string, kept, total int) {
		t.Helper()
		body, note, ok := strings.Cut(got, "\n[... result truncated: ")
		if !ok || len(body) > kept || len(body) < kept-1 || !strings.HasSuffix(note, "bytes]") || !strings.Contains(note, itoa(total-len(body))+" of "+itoa(total)+" bytes omitted") {
			t.Fatalf("read %d bytes (%.80q…%q), want at most %d of %d and the note", len(got), got, got[max(0, len(got)-120):], kept, total)
		}
	}
	t.Run("default", func(t *testing.T) {
		check(t, read(t, "dump", run.WithMCP(bigServer(t))), run.DefaultMaxResultBytes, 200_000)
	})
	t.Run("per run", func(t *testing.T) {
		check(t, read(t, "dump", run.WithMCP(bigServer(t)), run.WithMaxResultBytes(1001)), 1001, 200_000)
		check(t, read(t, "big_func", run.WithFunctions(bigFunc), run.WithMaxResultBytes(1001)), 1001, 10_000)
	})
	t.Run("per server", func(t *testing.T) {
		opts := []run.Option{run.WithMCP(bigServer(t), run.MaxResultBytes(501)), run.WithFunctions(bigFunc), run.WithMaxResultBytes(2000)}
		check(t, read(t, "dump", opts...), 501, 200_000)
		check(t, read(t, "big_func", opts...), 2000, 10_000)
	})
	t.Run("small results untouched", func(t *testing.T) {
		if got := read(t, "big_func", run.WithFunctions(bigFunc), run.WithMaxResultBytes(10_000)); got != strings.Repeat("x", 10_000) {
			t.Fatalf("%d bytes", len(got))
		}
	})
	t.Run("invalid", func(t *testing.T) {
		s := mistraltest.NewServer(mistraltest.Echo())
		defer s.Close()
		for _, o := range []run.Option{run.WithMaxResultBytes(0), run.WithMaxResultBytes(mcpclient.MaxResultText + 1), run.WithMCP(inMemoryWeather(), run.MaxResultBytes(-1))} {
			if _, err := run.New(newClient(t, s), run.WithModel("m"), o); err == nil || !strings.Contains(err.Error(), "want 1 to") {
				t.Errorf("err %v", err)
			}
		}
	})
}
