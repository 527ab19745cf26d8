package run_test

import (
	"context"
	"errors"
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

// echoServer is a go-sdk server on loopback (Streamable HTTP) with one tool,
// tool, that answers answer.
func echoServer(t *testing.T, tool, answer string) string {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: tool, Version: "1.0.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: tool, Description: "Says " + answer + "."}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: answer}}}, nil, nil
	})
	hs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil))
	t.Cleanup(hs.Close)
	return hs.URL
}

// partialServers are two servers that serve and a stdio one that exits at
// start, saying why on stderr.
func partialServers(t *testing.T) []*mcpclient.Client {
	t.Helper()
	a := mustMCP(mcpclient.NewHTTP(echoServer(t, "alpha", "A!"), mcpclient.WithName("alpha")))
	b := mustMCP(mcpclient.NewHTTP(echoServer(t, "beta", "B!"), mcpclient.WithName("beta")))
	broken := mustMCP(mcpclient.NewStdio("sh", []string{"-c", "echo no database here >&2; exit 3"}, mcpclient.WithName("broken")))
	return []*mcpclient.Client{a, broken, b}
}

func TestPartialConnect(t *testing.T) {
	// The model calls a tool of each server that started, then reads both.
	script := func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res := turn.Results(); len(res) > 0 {
			a, _ := turn.ResultOf("alpha")
			b, _ := turn.ResultOf("beta")
			return mistraltest.Respond(mistraltest.Text(a + " " + b)), nil
		}
		if turn.HasTool("broken") {
			return mistraltest.Respond(mistraltest.Text("the broken server's tools were offered")), nil
		}
		return mistraltest.Respond(mistraltest.Call("alpha", map[string]any{}), mistraltest.Call("beta", map[string]any{})), nil
	}
	s := mistraltest.NewServer(script)
	defer s.Close()
	opts := []run.Option{run.WithModel("m")}
	for _, c := range partialServers(t) {
		opts = append(opts, run.WithMCP(c))
	}
	r := newRunner(t, s, opts...)
	res, err := r.Run(context.Background(), mistral.TextInputs("go"))
	if err != nil {
		t.Fatalf("a run with two of three servers failed: %v", err)
	}
	if got := res.Text(); got != "A! B!" {
		t.Fatalf("answer %q, want both servers' results", got)
	}
	un := r.Unavailable()
	if len(un) != 1 || un[0].Server != "broken" || un[0].Op != "connect" || !strings.Contains(un[0].Error(), "no database here") {
		t.Fatalf("Unavailable = %v, want one error naming broken with its stderr", un)
	}
	tools, err := r.Tools(context.Background())
	if err != nil || len(tools) != 2 {
		t.Fatalf("Tools = %d tools, %v; want alpha and beta", len(tools), err)
	}
}

func TestAllServersRequired(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	opts := []run.Option{run.WithModel("m"), run.WithAllServersRequired()}
	for _, c := range partialServers(t) {
		opts = append(opts, run.WithMCP(c))
	}
	r := newRunner(t, s, opts...)
	_, err := r.Run(context.Background(), mistral.TextInputs("go"))
	var se *mcpclient.ServerError
	if !errors.As(err, &se) || se.Server != "broken" {
		t.Fatalf("err %v, want the broken server's ServerError", err)
	}
	if len(s.Requests()) != 0 {
		t.Fatalf("the API was called although a required server is down")
	}
}

func TestNoServerStarted(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	broken := mustMCP(mcpclient.NewStdio("sh", []string{"-c", "exit 3"}, mcpclient.WithName("broken")))
	r := newRunner(t, s, run.WithModel("m"), run.WithMCP(broken))
	var se *mcpclient.ServerError
	if err := r.Connect(context.Background()); !errors.As(err, &se) || !strings.Contains(err.Error(), "none started") {
		t.Fatalf("Connect = %v, want none started naming broken", err)
	}
}
