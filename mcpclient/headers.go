package mcpclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// SEP-2243 (MCP 2026-07-28) lets a tool mark input properties with
// "x-mcp-header": the go-sdk's Streamable HTTP transport mirrors their
// values into Mcp-Param-* headers, and drops from tools/list every tool
// whose annotations are invalid (it would have to send malformed headers).
// The client reports those tools as skipped, with the reason, instead of
// letting them vanish: the raw listing is seen by a sending middleware,
// before the go-sdk filters it.

// ErrInvalidToolHeaders is the reason, matched with errors.Is, for a tool
// left out because its inputSchema declares invalid x-mcp-header
// annotations (SEP-2243): empty, not an HTTP token, repeated
// (case-insensitively) or on a property that is not a primitive.
var ErrInvalidToolHeaders = errors.New("invalid x-mcp-header annotations (SEP-2243)")

// rawListing remembers the tools of the latest listing as the server sent
// them, before the go-sdk filtered them, by name. Recording is cheap; the
// reason a tool was dropped is worked out only for the tools that were.
type rawListing struct {
	mu     sync.Mutex
	byName map[string]*mcp.Tool
}

// observe records a page of a raw tools/list result; the first page of a
// listing replaces what an earlier listing recorded.
func (r *rawListing) observe(firstPage bool, tools []*mcp.Tool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if firstPage || r.byName == nil {
		r.byName = make(map[string]*mcp.Tool, len(tools))
	}
	for _, t := range tools {
		if t != nil {
			r.byName[t.Name] = t
		}
	}
}

// dropped returns why each tool of the latest raw listing that is not in
// kept was left out, by name.
func (r *rawListing) dropped(kept map[string]bool) map[string]error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out map[string]error
	for name, t := range r.byName {
		if kept[name] {
			continue
		}
		if out == nil {
			out = map[string]error{}
		}
		err := checkToolHeaders(t.InputSchema)
		if err == nil {
			// The go-sdk's rules and ours disagree on the details.
			err = fmt.Errorf("%w: the go-sdk refused them", ErrInvalidToolHeaders)
		}
		out[name] = err
	}
	return out
}

// headersMiddleware passes every raw tools/list result to rec.
func headersMiddleware(rec *rawListing) mcp.Middleware {
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			res, err := next(ctx, method, req)
			if err != nil || method != "tools/list" {
				return res, err
			}
			if lr, ok := res.(*mcp.ListToolsResult); ok && lr != nil {
				first := true
				if p, ok := req.GetParams().(*mcp.ListToolsParams); ok && p != nil && p.Cursor != "" {
					first = false
				}
				rec.observe(first, lr.Tools)
			}
			return res, err
		}
	}
}

// headerProp is what SEP-2243 looks at in a schema property.
type headerProp struct {
	Type       any                   `json:"type"`
	Header     json.RawMessage       `json:"x-mcp-header"`
	Properties map[string]headerProp `json:"properties"`
}

// checkToolHeaders validates the x-mcp-header annotations of an
// inputSchema, at any depth; nil if there are none or all are valid.
func checkToolHeaders(schema any) error {
	b, err := json.Marshal(schema)
	if err != nil {
		return nil // not ours to judge: the schema check reports it
	}
	var root headerProp
	if json.Unmarshal(b, &root) != nil {
		return nil
	}
	return checkHeaderProps(root.Properties, "", map[string]string{})
}

func checkHeaderProps(props map[string]headerProp, prefix string, seen map[string]string) error {
	for _, name := range slices.Sorted(maps.Keys(props)) {
		p := props[name]
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		if p.Header != nil {
			var h string
			if json.Unmarshal(p.Header, &h) != nil || h == "" {
				return fmt.Errorf("%w: property %q: the header name must be a non-empty string", ErrInvalidToolHeaders, path)
			}
			for _, c := range h {
				if !isTokenChar(c) {
					return fmt.Errorf("%w: property %q: header name %q has the character %q, not allowed in an HTTP field name", ErrInvalidToolHeaders, path, h, c)
				}
			}
			if t, ok := p.Type.(string); !ok || (t != "string" && t != "integer" && t != "boolean") {
				return fmt.Errorf("%w: property %q: a header can only carry a string, integer or boolean, not %v", ErrInvalidToolHeaders, path, p.Type)
			}
			if other, dup := seen[strings.ToLower(h)]; dup {
				return fmt.Errorf("%w: header %q is declared by both %q and %q", ErrInvalidToolHeaders, h, other, path)
			}
			seen[strings.ToLower(h)] = path
		}
		if err := checkHeaderProps(p.Properties, path, seen); err != nil {
			return err
		}
	}
	return nil
}

// isTokenChar reports whether c may appear in an HTTP field name (RFC 9110
// tchar).
func isTokenChar(c rune) bool {
	switch {
	case c >= '0' && c <= '9', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	}
	return strings.ContainsRune("!#$%&'*+-.^_`|~", c)
}
