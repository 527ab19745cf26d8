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
	if r.StructuredContent != nil && !carriesStructured(r) {
		if js, err := json.Marshal(r.StructuredContent); err == nil {
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
//
// Results can be large (a file read whole): strings are compared as they
// are, and a text block is parsed, or the content list marshalled, only
// when an object or array is to be compared with it.
func carriesStructured(r *mcp.CallToolResult) bool {
	s := r.StructuredContent
	if !isJSONValue(s) {
		// Not as decoded from JSON (a Go value of the caller's): compare
		// its JSON form.
		js, err := json.Marshal(s)
		if err != nil || json.Unmarshal(js, &s) != nil {
			return false
		}
	}
	c := carrier{r: r}
	if obj, ok := s.(map[string]any); ok {
		found := false
		for _, v := range obj {
			switch v.(type) {
			case nil, bool: // flags
				continue
			}
			if found = c.carries(v); !found {
				break
			}
		}
		if found {
			return true
		}
	}
	return c.carries(s)
}

// carrier compares values with what a result's content blocks carry,
// parsing and marshalling them only when needed, once.
type carrier struct {
	r      *mcp.CallToolResult
	parsed []any // the text blocks' JSON (objects and arrays)
	list   any   // the content list as JSON
	done   bool
}

// carries reports whether v (a value as decoded from JSON) equals a text
// block, a text block's JSON, or the content list.
func (c *carrier) carries(v any) bool {
	if str, ok := v.(string); ok {
		for _, b := range c.r.Content {
			if tc, ok := b.(*mcp.TextContent); ok && tc.Text == str {
				return true
			}
		}
		return false
	}
	switch v.(type) {
	case map[string]any, []any:
	default:
		return false // a number, flag or null is never a block's text or JSON
	}
	if !c.done {
		c.done = true
		for _, b := range c.r.Content {
			tc, ok := b.(*mcp.TextContent)
			if !ok {
				continue
			}
			if t := strings.TrimSpace(tc.Text); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
				var x any
				if json.Unmarshal([]byte(t), &x) == nil {
					c.parsed = append(c.parsed, x)
				}
			}
		}
		if raw, err := json.Marshal(c.r.Content); err == nil && len(c.r.Content) > 0 {
			_ = json.Unmarshal(raw, &c.list)
		}
	}
	for _, x := range c.parsed {
		if reflect.DeepEqual(x, v) {
			return true
		}
	}
	return c.list != nil && reflect.DeepEqual(c.list, v)
}

// isJSONValue reports whether v is made only of what encoding/json decodes
// into an any: maps, slices, strings, float64s, bools and nil.
func isJSONValue(v any) bool {
	switch v := v.(type) {
	case nil, string, float64, bool:
		return true
	case map[string]any:
		for _, x := range v {
			if !isJSONValue(x) {
				return false
			}
		}
		return true
	case []any:
		for _, x := range v {
			if !isJSONValue(x) {
				return false
			}
		}
		return true
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
