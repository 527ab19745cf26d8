package mcpclient

import (
	"bytes"
	"encoding/json"
	"fmt"
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
//   - structuredContent as JSON, when no text block already carries it;
//   - an isError result prefixed with "Error: ".
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
	var texts []string
	for _, c := range r.Content {
		sep()
		switch c := c.(type) {
		case *mcp.TextContent:
			b.WriteString(c.Text)
			if r.StructuredContent != nil {
				texts = append(texts, c.Text)
			}
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
		if js, err := json.Marshal(r.StructuredContent); err == nil && !carriesJSON(texts, js) {
			sep()
			b.Write(js)
		}
	}
	text = b.String()
	if r.IsError {
		if text == "" {
			text = "Error: the tool reported an error without details"
		} else {
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

// carriesJSON reports whether one of the text blocks is the structured
// content already (servers are asked to send both, for older clients).
func carriesJSON(texts []string, js []byte) bool {
	for _, t := range texts {
		t = strings.TrimSpace(t)
		if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "[") {
			continue
		}
		var buf bytes.Buffer
		if json.Compact(&buf, []byte(t)) == nil && bytes.Equal(buf.Bytes(), js) {
			return true
		}
		// Key order may differ: compare decoded values re-encoded.
		var v any
		if json.Unmarshal([]byte(t), &v) == nil {
			if again, err := json.Marshal(v); err == nil && bytes.Equal(again, js) {
				return true
			}
		}
	}
	return false
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
