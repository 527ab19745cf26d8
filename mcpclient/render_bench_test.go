package mcpclient

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// BenchmarkRenderResult renders results of the reference servers' shapes,
// sent twice (text and structuredContent): server-filesystem's file read
// ({"content": text}) and server-memory's graph ({"entities": […]} beside
// its JSON text), at the sizes a file read reaches.
func BenchmarkRenderResult(b *testing.B) {
	for _, size := range []int{1 << 10, 64 << 10, 4 << 20} {
		text := strings.Repeat("a line of a file, \"quoted\"\n", size/27+1)[:size]
		fs := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}, StructuredContent: map[string]any{"content": text}}
		b.Run("filesystem/"+strconv.Itoa(size), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				if got, _ := RenderResult(fs); len(got) != min(size, MaxResultText)+len(truncationMarker(size)) {
					b.Fatalf("rendered %d bytes", len(got))
				}
			}
		})
	}
	var entities []any
	for i := range 1000 {
		entities = append(entities, map[string]any{"name": "entity " + strconv.Itoa(i), "entityType": "thing", "observations": []any{"seen", "noted"}})
	}
	js, _ := json.MarshalIndent(entities, "", "  ")
	memory := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(js)}}, StructuredContent: map[string]any{"entities": entities}}
	b.Run("memory/1000-entities", func(b *testing.B) {
		b.SetBytes(int64(len(js)))
		b.ReportAllocs()
		for b.Loop() {
			if got, _ := RenderResult(memory); got != string(js) {
				b.Fatal("not the text once")
			}
		}
	})
}

// truncationMarker is what RenderResult appends to a text of size bytes.
func truncationMarker(size int) string {
	if size <= MaxResultText {
		return ""
	}
	return "\n[... output truncated: " + strconv.Itoa(size-MaxResultText) + " of " + strconv.Itoa(size) + " bytes omitted]"
}
