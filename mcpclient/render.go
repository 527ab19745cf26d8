package mcpclient

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/internal/trunc"
)

// MaxResultText bounds the text [RenderResult] produces. Past it the text is
// cut and a marker says how much was left out.
const MaxResultText = 1 << 20

// RenderResult turns a tool result into the text a model reads:
//
//   - text blocks joined with newlines;
//   - images and audio described as "[image: image/png, 1234 bytes]", never
//     dumped as base64;
//   - embedded resources as their URI followed by their text (a blob is
//     described by MIME type and size);
//   - resource links as "[resource link: name <uri>]";
//   - structuredContent as JSON, unless the content blocks already carry
//     it (the text fallback servers send with it: the same JSON, or an
//     object wrapping a block's text or JSON, as the filesystem and memory
//     reference servers send), so that the model reads it once;
//   - an isError result prefixed with "Error: " (unless its text starts so).
//
// The text is capped at [MaxResultText] bytes, with a marker saying how much
// was cut. A nil result renders as an empty, non-error text.
func RenderResult(r *mcp.CallToolResult) (text string, isError bool) {
	if r == nil {
		return "", false
	}
	// The common case, one text block: no copying.
	if len(r.Content) == 1 && r.StructuredContent == nil && !r.IsError {
		if tc, ok := r.Content[0].(*mcp.TextContent); ok {
			return truncate(tc.Text, MaxResultText), false
		}
	}
	var b strings.Builder
	sep := func() {
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
	}
	for _, c := range r.Content {
		sep()
		switch c := c.(type) {
		case *mcp.TextContent:
			b.WriteString(c.Text)
		case *mcp.ImageContent:
			fmt.Fprintf(&b, "[image: %s, %d bytes]", orUnknown(c.MIMEType), len(c.Data))
		case *mcp.AudioContent:
			fmt.Fprintf(&b, "[audio: %s, %d bytes]", orUnknown(c.MIMEType), len(c.Data))
		case *mcp.ResourceLink:
			writeLink(&b, c)
		case *mcp.EmbeddedResource:
			writeEmbedded(&b, c.Resource)
		case nil:
			// A null content block: nothing to say.
		default:
			fmt.Fprintf(&b, "[%T content]", c)
		}
	}
	if r.StructuredContent != nil {
		if js, err := json.Marshal(r.StructuredContent); err == nil && !carriesStructured(r, js) {
			sep()
			b.Write(js)
		}
	}
	text = b.String()
	if r.IsError {
		switch {
		case text == "":
			text = "Error: the tool reported an error without details"
		case !strings.HasPrefix(text, "Error: "):
			// Servers that say so themselves are not prefixed again.
			text = "Error: " + text
		}
	}
	return truncate(text, MaxResultText), r.IsError
}

func orUnknown(mime string) string {
	if mime == "" {
		return "unknown type"
	}
	return mime
}

func writeLink(b *strings.Builder, l *mcp.ResourceLink) {
	b.WriteString("[resource link: ")
	if name := cmpOr(l.Title, l.Name); name != "" {
		b.WriteString(name)
		b.WriteByte(' ')
	}
	fmt.Fprintf(b, "<%s>", l.URI)
	if l.MIMEType != "" {
		fmt.Fprintf(b, " (%s)", l.MIMEType)
	}
	if l.Description != "" {
		b.WriteString(": ")
		b.WriteString(l.Description)
	}
	b.WriteByte(']')
}

func writeEmbedded(b *strings.Builder, rc *mcp.ResourceContents) {
	if rc == nil {
		b.WriteString("[resource: empty]")
		return
	}
	switch {
	case rc.Blob != nil:
		fmt.Fprintf(b, "[resource: %s, %s, %d bytes]", rc.URI, orUnknown(rc.MIMEType), len(rc.Blob))
	default:
		fmt.Fprintf(b, "[resource: %s]\n%s", rc.URI, rc.Text)
	}
}

// carriesStructured reports whether the content blocks already carry the
// structured content, as servers are asked to send it for clients that do
// not read structuredContent, so that the model reads it once. It does when
// the structured content equals (as a JSON value) a text block, a text
// block's JSON, or the content list itself; or is an object one of whose
// members is one of those, the others being flags (booleans or null) — the
// reference servers' {"content": text} (filesystem), {"entities": […]}
// (memory) and {"success": true, "message": text}.
func carriesStructured(r *mcp.CallToolResult, js []byte) bool {
	var s any
	if json.Unmarshal(js, &s) != nil {
		return false
	}
	var carried []any
	for _, c := range r.Content {
		tc, ok := c.(*mcp.TextContent)
		if !ok {
			continue
		}
		carried = append(carried, tc.Text)
		if t := strings.TrimSpace(tc.Text); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			var v any
			if json.Unmarshal([]byte(t), &v) == nil {
				carried = append(carried, v)
			}
		}
	}
	if raw, err := json.Marshal(r.Content); err == nil && len(r.Content) > 0 {
		var v any
		if json.Unmarshal(raw, &v) == nil {
			carried = append(carried, v)
		}
	}
	isCarried := func(v any) bool {
		for _, c := range carried {
			if reflect.DeepEqual(c, v) {
				return true
			}
		}
		return false
	}
	if isCarried(s) {
		return true
	}
	obj, ok := s.(map[string]any)
	if !ok {
		return false
	}
	found := false
	for _, v := range obj {
		switch {
		case isCarried(v):
			found = true
		case v == nil:
		default:
			if _, flag := v.(bool); !flag {
				return false
			}
		}
	}
	return found
}

// truncate cuts s to at most max bytes (on a rune boundary) plus a marker.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	kept := trunc.Cut(s, max, "")
	return kept + fmt.Sprintf("\n[... output truncated: %d of %d bytes omitted]", len(s)-len(kept), len(s))
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
