package mcpclient

import (
	"context"
	"encoding/json"
	"os/exec"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// BenchmarkCallTool compares a tool call through this package with a raw
// go-sdk ClientSession.CallTool, both over stdio to the same go-sdk echo
// server, and logs the ratio (the target is at most 1.05).
func BenchmarkCallTool(b *testing.B) {
	ctx := context.Background()
	args := json.RawMessage(`{"text":"hello"}`)
	var ours, raw float64

	b.Run("mcpclient", func(b *testing.B) {
		c := must(NewStdio(testServerBin, nil))
		defer c.Close()
		if err := c.Connect(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Tools(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			res, err := c.CallTool(ctx, "echo", args)
			if err != nil || res.Text != "hello" {
				b.Fatal(res, err)
			}
		}
		ours = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})

	b.Run("gosdk", func(b *testing.B) {
		client := mcp.NewClient(&mcp.Implementation{Name: "bench"}, nil)
		cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: exec.Command(testServerBin)}, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer cs.Close()
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: args})
			if err != nil || res.IsError {
				b.Fatal(res, err)
			}
		}
		raw = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})

	// Both side by side, call for call, so that load from elsewhere on the
	// machine hits both alike.
	b.Run("interleaved", func(b *testing.B) {
		c := must(NewStdio(testServerBin, nil))
		defer c.Close()
		if err := c.Connect(ctx); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Tools(ctx); err != nil {
			b.Fatal(err)
		}
		client := mcp.NewClient(&mcp.Implementation{Name: "bench"}, nil)
		cs, err := client.Connect(ctx, &mcp.CommandTransport{Command: exec.Command(testServerBin)}, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer cs.Close()
		var tOurs, tRaw time.Duration
		for b.Loop() {
			t0 := time.Now()
			if _, err := c.CallTool(ctx, "echo", args); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: args}); err != nil {
				b.Fatal(err)
			}
			tOurs += t1.Sub(t0)
			tRaw += time.Since(t1)
		}
		b.ReportMetric(float64(tOurs.Nanoseconds())/float64(b.N), "mcpclient-ns/call")
		b.ReportMetric(float64(tRaw.Nanoseconds())/float64(b.N), "gosdk-ns/call")
		b.ReportMetric(100*(float64(tOurs)/float64(tRaw)-1), "overhead-%")
	})

	if ours > 0 && raw > 0 {
		b.Logf("mcpclient/gosdk time per call: %.0f ns / %.0f ns = %.3f", ours, raw, ours/raw)
	}
}

// BenchmarkConnectConcurrent connects to 5 servers that each take 300 ms
// to start: with ConnectAll it costs about 300 ms, not 1.5 s.
func BenchmarkConnectConcurrent(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		var cs []*Client
		for range 5 {
			cs = append(cs, must(NewStdio(testServerBin, []string{"-mode=slowstart=300ms"})))
		}
		start := time.Now()
		if err := ConnectAll(ctx, cs...); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "connect-ms")
		for _, c := range cs {
			c.Close()
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/op")
}
