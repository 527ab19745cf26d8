package mcpclient

import (
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func TestRenderResult(t *testing.T) {
	size := int64(10)
	tests := []struct {
		name    string
		in      *mcp.CallToolResult
		want    string
		wantErr bool
	}{
		{"nil", nil, "", false},
		{"empty", &mcp.CallToolResult{}, "", false},
		{"text joined", &mcp.CallToolResult{Content: []mcp.Content{
			&mcp.TextContent{Text: "a"}, &mcp.TextContent{Text: "b"},
		}}, "a\nb", false},
		{"image described", &mcp.CallToolResult{Content: []mcp.Content{
			&mcp.ImageContent{MIMEType: "image/png", Data: make([]byte, 1234)},
		}}, "[image: image/png, 1234 bytes]", false},
		{"audio described", &mcp.CallToolResult{Content: []mcp.Content{
			&mcp.AudioContent{MIMEType: "audio/wav", Data: make([]byte, 5)},
		}}, "[audio: audio/wav, 5 bytes]", false},
		{"image without type", &mcp.CallToolResult{Content: []mcp.Content{
			&mcp.ImageContent{Data: []byte{1}},
		}}, "[image: unknown type, 1 bytes]", false},
		{"embedded text", &mcp.CallToolResult{Content: []mcp.Content{
			&mcp.EmbeddedResource{Resource: &mcp.ResourceContents{URI: "file:///a.txt", MIMEType: "text/plain", Text: "hello"}},
		}}, "[resource: file:///a.txt]\nhello", false},
		{"embedded blob", &mcp.CallToolResult{Content: []mcp.Content{
			&mcp.EmbeddedResource{Resource: &mcp.ResourceContents{URI: "file:///a.bin", MIMEType: "application/zip", Blob: make([]byte, 7)}},
		}}, "[resource: file:///a.bin, application/zip, 7 bytes]", false},
		{"embedded nil", &mcp.CallToolResult{Content: []mcp.Content{&mcp.EmbeddedResource{}}}, "[resource: empty]", false},
		{"resource link", &mcp.CallToolResult{Content: []mcp.Content{
			&mcp.ResourceLink{URI: "file:///x", Name: "x", MIMEType: "text/plain", Description: "the x file", Size: &size},
		}}, "[resource link: x <file:///x> (text/plain): the x file]", false},
		{"structured only", &mcp.CallToolResult{StructuredContent: map[string]any{"sum": 3}}, `{"sum":3}`, false},
		{"structured appended", &mcp.CallToolResult{
			Content:           []mcp.Content{&mcp.TextContent{Text: "the sum"}},
			StructuredContent: map[string]any{"sum": 3},
		}, "the sum\n{\"sum\":3}", false},
		{"structured already as text", &mcp.CallToolResult{
			Content:           []mcp.Content{&mcp.TextContent{Text: `{ "b": 2, "a": 1 }`}},
			StructuredContent: map[string]any{"a": 1, "b": 2},
		}, `{ "b": 2, "a": 1 }`, false},
		// The reference servers' shapes: the text once.
		{"filesystem read", &mcp.CallToolResult{
			Content:           []mcp.Content{&mcp.TextContent{Text: "line 1\nline 2"}},
			StructuredContent: map[string]any{"content": "line 1\nline 2"},
		}, "line 1\nline 2", false},
		{"memory create", &mcp.CallToolResult{
			Content:           []mcp.Content{&mcp.TextContent{Text: "[\n  {\n    \"name\": \"Ada\",\n    \"observations\": []\n  }\n]"}},
			StructuredContent: map[string]any{"entities": []any{map[string]any{"observations": []any{}, "name": "Ada"}}},
		}, "[\n  {\n    \"name\": \"Ada\",\n    \"observations\": []\n  }\n]", false},
		{"memory delete", &mcp.CallToolResult{
			Content:           []mcp.Content{&mcp.TextContent{Text: "Entities deleted successfully"}},
			StructuredContent: map[string]any{"success": true, "message": "Entities deleted successfully"},
		}, "Entities deleted successfully", false},
		{"media read", &mcp.CallToolResult{
			Content:           []mcp.Content{&mcp.ImageContent{MIMEType: "image/png", Data: []byte{1, 2, 3}}},
			StructuredContent: map[string]any{"content": []any{map[string]any{"type": "image", "mimeType": "image/png", "data": "AQID"}}},
		}, "[image: image/png, 3 bytes]", false},
		{"two members carried", &mcp.CallToolResult{
			Content:           []mcp.Content{&mcp.TextContent{Text: "a"}, &mcp.TextContent{Text: `{"n": 1}`}},
			StructuredContent: map[string]any{"text": "a", "data": map[string]any{"n": 1.0}, "ok": true, "next": nil},
		}, "a\n{\"n\": 1}", false},
		{"a Go value, not decoded JSON", &mcp.CallToolResult{
			Content:           []mcp.Content{&mcp.TextContent{Text: `[1, 3]`}},
			StructuredContent: struct{ Items []int }{[]int{1, 2}},
		}, "[1, 3]\n{\"Items\":[1,2]}", false},
		{"a Go value carried", &mcp.CallToolResult{
			Content:           []mcp.Content{&mcp.TextContent{Text: `{"Items": [1, 2]}`}},
			StructuredContent: struct{ Items []int }{[]int{1, 2}},
		}, `{"Items": [1, 2]}`, false},
		{"structured with more than the text", &mcp.CallToolResult{
			Content:           []mcp.Content{&mcp.TextContent{Text: "done"}},
			StructuredContent: map[string]any{"message": "done", "count": 2},
		}, "done\n{\"count\":2,\"message\":\"done\"}", false},
		{"error marked", &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: "no such file"}}}, "Error: no such file", true},
		{"error without text", &mcp.CallToolResult{IsError: true}, "Error: the tool reported an error without details", true},
		{"error saying so", &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: "Error: no such file"}}}, "Error: no such file", true},
		{"mixed", &mcp.CallToolResult{Content: []mcp.Content{
			&mcp.TextContent{Text: "here:"}, &mcp.ImageContent{MIMEType: "image/jpeg", Data: []byte{1, 2}}, nil,
		}}, "here:\n[image: image/jpeg, 2 bytes]\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, isErr := RenderResult(tt.in)
			if got != tt.want || isErr != tt.wantErr {
				t.Errorf("RenderResult = %q, %v; want %q, %v", got, isErr, tt.want, tt.wantErr)
			}
		})
	}
}

func TestRenderResultBounded(t *testing.T) {
	huge := strings.Repeat("é", MaxResultText) // 2 MiB, multi-byte runes
	got, _ := RenderResult(&mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: huge}}})
	if len(got) > MaxResultText+100 {
		t.Fatalf("len = %d, want about %d", len(got), MaxResultText)
	}
	if !strings.Contains(got, "[... output truncated: ") || !strings.Contains(got, "of 2097152 bytes omitted]") {
		t.Errorf("no truncation marker: %q", got[len(got)-80:])
	}
	if !strings.HasPrefix(got, "éé") || strings.ContainsRune(got[:MaxResultText-2], '\uFFFD') {
		t.Error("cut inside a rune")
	}
}
