package mcpclient

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// manyTools is a go-sdk server with n tools, each with a description and
// a small input schema, as real servers have.
func manyTools(n int) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "many", Version: "1"}, nil)
	for i := range n {
		s.AddTool(&mcp.Tool{
			Name:        fmt.Sprintf("tool_%d", i),
			Description: fmt.Sprintf("Tool number %d: looks something up and returns what it found, as text.", i),
			InputSchema: map[string]any{"type": "object", "properties": map[string]any{
				"query": map[string]any{"type": "string", "description": "what to look up"},
				"limit": map[string]any{"type": "integer", "minimum": 1, "maximum": 100},
			}, "required": []any{"query"}},
		}, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{}, nil
		})
	}
	return s
}

// BenchmarkConnectList measures a new client's connect and first tool
// listing against servers of 1 to 5,000 tools, without and with tool
// pinning (WithToolPins on a FilePinStore holding the pins of a previous
// run, the steady state), and reports the cost per tool.
func BenchmarkConnectList(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1, 100, 1000, 5000} {
		srv := manyTools(n)
		for _, pinned := range []bool{false, true} {
			name := fmt.Sprintf("tools=%d/pins=off", n)
			if pinned {
				name = fmt.Sprintf("tools=%d/pins=on", n)
			}
			b.Run(name, func(b *testing.B) {
				var opts []Option
				if pinned {
					store, err := NewFilePinStore(filepath.Join(b.TempDir(), "pins.json"))
					if err != nil {
						b.Fatal(err)
					}
					opts = append(opts, WithToolPins(store, true))
				}
				once := func() {
					c, err := NewInMemory(srv, opts...)
					if err != nil {
						b.Fatal(err)
					}
					defer c.Close()
					if err := c.Connect(ctx); err != nil {
						b.Fatal(err)
					}
					tools, err := c.Tools(ctx)
					if err != nil || len(tools) != n {
						b.Fatalf("%d tools, %v", len(tools), err)
					}
				}
				once() // the pins are written once, as on a first run
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					once()
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/tool")
			})
		}
	}
}
