// Command testserver is a stdio MCP server built on the go-sdk that
// misbehaves on request, for mcpclient's tests and benchmarks.
//
//	testserver -mode=echo                 well-behaved (the default)
//	testserver -mode=garbage              prints non-JSON on stdout, never answers
//	testserver -mode=noinit               reads stdin, never answers
//	testserver -mode=crash-after=N        exits with status 3 during tool call N+1
//	testserver -mode=hang                 tool calls block until cancelled
//	testserver -mode=big                  echo returns 50 MB of text
//	testserver -mode=dup                  lists two tools named alike, and one twice
//	testserver -mode=badschema            lists tools with unusable input schemas
//	testserver -mode=slowstart=300ms      waits before serving
//	testserver -mode=pidtool              also lists a tool named after its process id
//	testserver -mode=legacy               speaks only protocol versions before 2026-07-28
//
// Modes combine with commas: -mode=slowstart=300ms,crash-after=2.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient/internal/testtools"
)

func main() {
	mode := flag.String("mode", "echo", "behaviour (see the package doc)")
	flag.Parse()
	modes := map[string]string{}
	for _, m := range strings.Split(*mode, ",") {
		k, v, _ := strings.Cut(m, "=")
		modes[k] = v
	}
	if d, ok := modes["slowstart"]; ok {
		dur, err := time.ParseDuration(d)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad slowstart:", err)
			os.Exit(2)
		}
		time.Sleep(dur)
	}
	fmt.Fprintln(os.Stderr, "testserver starting, mode", *mode)
	switch {
	case has(modes, "garbage"):
		fmt.Println("this is not JSON-RPC")
		fmt.Println("{{{ neither is this")
		drain()
		return
	case has(modes, "noinit"):
		drain()
		return
	}
	crashAfter := int64(-1)
	if v, ok := modes["crash-after"]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad crash-after:", err)
			os.Exit(2)
		}
		crashAfter = n
	}
	s := newServer(modes, crashAfter)
	if err := s.Run(context.Background(), &mcp.StdioTransport{}); err != nil {
		fmt.Fprintln(os.Stderr, "testserver:", err)
	}
}

func has(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// drain reads stdin until the client closes it, so the process ends with
// the client's Close.
func drain() {
	r := bufio.NewReader(os.Stdin)
	_, _ = io.Copy(io.Discard, r)
}

type echoIn struct {
	Text string `json:"text" jsonschema:"the text to echo"`
}

type sleepIn struct {
	MS int `json:"ms" jsonschema:"milliseconds to sleep"`
}

type progressIn struct {
	Steps int `json:"steps"`
}

type sumIn struct {
	A float64 `json:"a"`
	B float64 `json:"b"`
}

type sumOut struct {
	Sum float64 `json:"sum"`
}

func newServer(modes map[string]string, crashAfter int64) *mcp.Server {
	opts := &mcp.ServerOptions{Instructions: "a server for tests"}
	if has(modes, "legacy") {
		// The initialize handshake only: no server/discover.
		for _, v := range mcp.SupportedProtocolVersions() {
			if v < "2026-07-28" {
				opts.SupportedProtocolVersions = append(opts.SupportedProtocolVersions, v)
			}
		}
	}
	s := mcp.NewServer(&mcp.Implementation{Name: "testserver", Version: "1.2.3"}, opts)
	var calls atomic.Int64
	s.AddReceivingMiddleware(func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if method == "tools/call" && crashAfter >= 0 && calls.Add(1) > crashAfter {
				fmt.Fprintln(os.Stderr, "boom: crashing on purpose")
				os.Exit(3)
			}
			res, err := next(ctx, method, req)
			if method == "tools/list" && err == nil {
				if r, ok := res.(*mcp.ListToolsResult); ok {
					rewriteList(modes, r)
				}
			}
			return res, err
		}
	})
	if has(modes, "pidtool") {
		// A restarted server lists different tools.
		mcp.AddTool(s, &mcp.Tool{Name: fmt.Sprintf("pid_%d", os.Getpid())}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "pid"}}}, nil, nil
		})
	}
	hang := has(modes, "hang")
	big := has(modes, "big")
	mcp.AddTool(s, &mcp.Tool{Name: "echo", Description: "echoes text"}, func(ctx context.Context, _ *mcp.CallToolRequest, in echoIn) (*mcp.CallToolResult, any, error) {
		if hang {
			<-ctx.Done()
			fmt.Fprintln(os.Stderr, "echo cancelled:", ctx.Err())
			return nil, nil, ctx.Err()
		}
		text := in.Text
		if big {
			text = strings.Repeat("x", 50<<20)
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}, nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "sleep", Description: "sleeps, or until cancelled"}, func(ctx context.Context, _ *mcp.CallToolRequest, in sleepIn) (*mcp.CallToolResult, any, error) {
		select {
		case <-time.After(time.Duration(in.MS) * time.Millisecond):
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "slept"}}}, nil, nil
		case <-ctx.Done():
			fmt.Fprintln(os.Stderr, "sleep cancelled")
			return nil, nil, ctx.Err()
		}
	})
	mcp.AddTool(s, &mcp.Tool{Name: "progress", Description: "reports progress"}, func(ctx context.Context, req *mcp.CallToolRequest, in progressIn) (*mcp.CallToolResult, any, error) {
		tok := req.Params.GetProgressToken()
		for i := 1; i <= in.Steps; i++ {
			if tok != nil {
				_ = req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{ProgressToken: tok, Progress: float64(i), Total: float64(in.Steps), Message: fmt.Sprintf("step %d", i)})
			}
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "done"}}}, nil, nil
	})
	mcp.AddTool(s, &mcp.Tool{Name: "sum", Description: "adds two numbers"}, func(_ context.Context, _ *mcp.CallToolRequest, in sumIn) (*mcp.CallToolResult, sumOut, error) {
		return nil, sumOut{Sum: in.A + in.B}, nil
	})
	testtools.AddConfirm(s, "asks the user to confirm")
	mcp.AddTool(s, &mcp.Tool{Name: "fail", Description: "always fails"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return nil, nil, fmt.Errorf("failing on purpose")
	})
	mcp.AddTool(s, &mcp.Tool{Name: "crash", Description: "exits the server"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		fmt.Fprintln(os.Stderr, "boom: crash tool called")
		os.Exit(3)
		return nil, nil, nil
	})
	s.AddResource(&mcp.Resource{URI: "test://hello", Name: "hello", MIMEType: "text/plain"}, func(context.Context, *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
		return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: "test://hello", MIMEType: "text/plain", Text: "hello"}}}, nil
	})
	s.AddPrompt(&mcp.Prompt{Name: "greet", Arguments: []*mcp.PromptArgument{{Name: "who"}}}, func(_ context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: "hello " + req.Params.Arguments["who"]}}}}, nil
	})
	return s
}

// rewriteList breaks the tool list the way some servers do.
func rewriteList(modes map[string]string, r *mcp.ListToolsResult) {
	if has(modes, "dup") {
		var echo *mcp.Tool
		for _, t := range r.Tools {
			if t.Name == "echo" {
				echo = t
			}
		}
		if echo != nil {
			twin := *echo
			twin.Description = "a second tool called echo"
			dotted := *echo
			dotted.Name = "get.sum"
			under := *echo
			under.Name = "get_sum"
			r.Tools = append(r.Tools, &twin, &dotted, &under)
		}
	}
	if has(modes, "badschema") {
		r.Tools = append(r.Tools,
			&mcp.Tool{Name: "bad_string", InputSchema: "not a schema"},
			&mcp.Tool{Name: "bad_type", InputSchema: map[string]any{"type": "string"}},
			&mcp.Tool{Name: "bad_array", InputSchema: []any{1, 2}},
			&mcp.Tool{Name: "no_schema"},
		)
	}
}
