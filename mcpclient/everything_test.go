//lint:file-ignore SA1019 sampling, deprecated in protocol 2026-07-28, is still part of what is tested.

package mcpclient

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mcprun/mcprun/internal/testpeers"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// everythingBin finds @modelcontextprotocol/server-everything, or skips
// (fails under CI=true).
func everythingBin(t *testing.T) string {
	t.Helper()
	return testpeers.Require(t, testpeers.Everything)
}

// startEverythingHTTP runs the server in sse or streamableHttp mode on a
// free loopback port and returns its base URL; it is stopped at the end.
func startEverythingHTTP(t *testing.T, bin, mode string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, mode)
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port))
	var stderr strings.Builder
	var mu sync.Mutex
	cmd.Stderr = writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return stderr.Write(p) })
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	addr := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			break
		}
		if time.Now().After(deadline) {
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("mcp-server-everything %s did not listen on %s: %v; stderr: %s", mode, addr, err, stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "http://" + addr
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestEverythingStdio(t *testing.T) {
	bin := everythingBin(t)
	exerciseEverything(t, func(opts ...Option) *Client {
		return must(NewStdio(bin, []string{"stdio"}, opts...))
	})
}

func TestEverythingStreamableHTTP(t *testing.T) {
	bin := everythingBin(t)
	base := startEverythingHTTP(t, bin, "streamableHttp")
	exerciseEverything(t, func(opts ...Option) *Client {
		return must(NewHTTP(base+"/mcp", append(opts, WithHTTPTransport(Streamable))...))
	})
	// NewHTTP picks Streamable HTTP on its own.
	exerciseEverything(t, func(opts ...Option) *Client { return must(NewHTTP(base+"/mcp", opts...)) })
}

func TestEverythingSSE(t *testing.T) {
	bin := everythingBin(t)
	base := startEverythingHTTP(t, bin, "sse")
	exerciseEverything(t, func(opts ...Option) *Client {
		return must(NewHTTP(base+"/sse", append(opts, WithHTTPTransport(SSE))...))
	})
}

func exerciseEverything(t *testing.T, newClient func(...Option) *Client) {
	t.Helper()
	noLeaks(t)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var mu sync.Mutex
	var progress []ProgressEvent
	var sampled string
	c := newClient(
		WithName("everything"),
		WithConnectTimeout(60*time.Second),
		WithProgress(func(e ProgressEvent) { mu.Lock(); progress = append(progress, e); mu.Unlock() }),
		WithSamplingHandler(func(_ context.Context, req *mcp.CreateMessageRequest) (*mcp.CreateMessageResult, error) {
			mu.Lock()
			if tc, ok := req.Params.Messages[0].Content.(*mcp.TextContent); ok {
				sampled = tc.Text
			}
			mu.Unlock()
			return &mcp.CreateMessageResult{Model: "test-model", Role: "assistant", Content: &mcp.TextContent{Text: "forty-two"}}, nil
		}),
	)
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	// server-everything 2026.8.31 (the newest) speaks the initialize
	// handshake: the client falls back to it after server/discover.
	if v := c.ServerInfo().ProtocolVersion; v == "" || c.ServerInfo().Name == "" {
		t.Errorf("server info %+v: no protocol version or name", c.ServerInfo())
	} else {
		t.Logf("protocol %s", v)
	}
	if info := c.ServerInfo(); !strings.Contains(info.Name, "everything") {
		t.Errorf("ServerInfo = %+v", info)
	}
	// trigger-sampling-request is registered after initialization, when
	// the server knows the client can sample (then list_changed).
	var tools []Tool
	waitFor(t, func() bool {
		var err error
		tools, err = c.Tools(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return hasTool(tools, "trigger-sampling-request")
	}, "trigger-sampling-request to be listed")
	for _, tl := range tools {
		if !validName.MatchString(tl.Name) || strings.Contains(string(tl.InputSchema), "$ref") {
			t.Errorf("tool %q: name or schema not fit for Mistral: %s", tl.Name, tl.InputSchema)
		}
	}
	call := func(name, args string) *ToolResult {
		t.Helper()
		res, err := c.CallTool(ctx, name, json.RawMessage(args))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if res.IsError {
			t.Fatalf("%s: error result %q", name, res.Text)
		}
		return res
	}
	if res := call("echo", `{"message":"hello everything"}`); !strings.Contains(res.Text, "hello everything") {
		t.Errorf("echo = %q", res.Text)
	}
	if res := call("get-sum", `{"a":2,"b":40}`); !strings.Contains(res.Text, "42") {
		t.Errorf("get-sum = %q", res.Text)
	}
	if res := call("trigger-long-running-operation", `{"duration":0.3,"steps":3}`); !strings.Contains(res.Text, "completed") {
		t.Errorf("long running = %q", res.Text)
	}
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(progress) >= 3 }, "3 progress events")
	mu.Lock()
	if e := progress[len(progress)-1]; e.Tool != "trigger-long-running-operation" || e.Total != 3 {
		t.Errorf("last progress event = %+v", e)
	}
	mu.Unlock()
	if res := call("trigger-sampling-request", `{"prompt":"meaning of life","maxTokens":5}`); !strings.Contains(res.Text, "forty-two") {
		t.Errorf("sampling = %q", res.Text)
	}
	mu.Lock()
	if !strings.Contains(sampled, "meaning of life") {
		t.Errorf("sampling handler saw %q", sampled)
	}
	mu.Unlock()
	if res := call("get-tiny-image", `{}`); !strings.Contains(res.Text, "[image: image/png, ") || strings.Contains(res.Text, "iVBOR") {
		t.Errorf("tiny image = %q", res.Text)
	}
	if res := call("get-resource-reference", `{"resourceType":"Text","resourceId":1}`); !strings.Contains(res.Text, "[resource: ") {
		t.Errorf("resource reference = %q", res.Text)
	}
	if res := call("get-structured-content", `{"location":"Chicago"}`); !strings.Contains(res.Text, "temperature") {
		t.Errorf("structured = %q", res.Text)
	} else if res.Raw.StructuredContent == nil {
		t.Error("no structuredContent")
	}
	if err := c.Ping(ctx); err != nil {
		t.Error(err)
	}
	if ps, err := c.Prompts(ctx); err != nil || len(ps) == 0 {
		t.Errorf("Prompts = %d, %v", len(ps), err)
	}
	if rs, err := c.Resources(ctx); err != nil || len(rs) == 0 {
		t.Errorf("Resources = %d, %v", len(rs), err)
	} else if rr, err := c.ReadResource(ctx, rs[0].URI); err != nil || len(rr.Contents) == 0 {
		t.Errorf("ReadResource(%s) = %v, %v", rs[0].URI, rr, err)
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
}
