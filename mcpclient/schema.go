package mcpclient

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// maxNameLen is Mistral's (and OpenAI's) limit on function names.
const maxNameLen = 64

// maxRefDepth bounds $ref inlining: a reference nested deeper than this, or
// one that refers to itself, becomes {"type":"object"}.
const maxRefDepth = 8

// sanitizeName maps name onto [A-Za-z0-9_-]{1,64}: other characters become
// '_', and long names are cut.
func sanitizeName(name string) string {
	b := make([]byte, 0, min(len(name), maxNameLen))
	for i := 0; i < len(name) && len(b) < maxNameLen; i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
			b = append(b, c)
		case c < 0x80:
			b = append(b, '_')
		default:
			// One '_' per multi-byte rune: skip its continuation bytes.
			if c&0xC0 != 0x80 {
				b = append(b, '_')
			}
		}
	}
	if len(b) == 0 {
		return "tool"
	}
	return string(b)
}

// uniqueName returns base, or base with a "_2", "_3"... suffix, that is not
// in taken. The result still fits maxNameLen.
func uniqueName(base string, taken map[string]bool) string {
	if !taken[base] {
		return base
	}
	for i := 2; ; i++ {
		suf := "_" + strconv.Itoa(i)
		b := base
		if len(b)+len(suf) > maxNameLen {
			b = b[:maxNameLen-len(suf)]
		}
		if !taken[b+suf] {
			return b + suf
		}
	}
}

// emptyObjectSchema is what a tool without an inputSchema gets.
var emptyObjectSchema = json.RawMessage(`{"type":"object","properties":{}}`)

// inputSchema converts a tool's inputSchema, as the go-sdk decoded it, into
// the JSON sent to the model: $refs inlined, otherwise unchanged. It fails
// when the schema is not a JSON object or declares a type other than object.
func inputSchema(v any) (json.RawMessage, error) {
	if v == nil {
		return emptyObjectSchema, nil
	}
	m, ok := asObject(v)
	if !ok {
		return nil, fmt.Errorf("inputSchema is a %s, not a JSON object", jsonKind(v))
	}
	if t, ok := m["type"]; ok && t != "object" {
		return nil, fmt.Errorf("inputSchema has type %v, want \"object\"", t)
	}
	if ref, ok := externalRef(m); ok {
		// SEP-2106: a $ref to another document is never dereferenced (a
		// server could make the client fetch any URL), and without it the
		// schema does not say what the tool takes.
		return nil, fmt.Errorf("inputSchema has a $ref to another document (%.200q); it is not fetched", ref)
	}
	return marshalSchema(inlineRefs(m))
}

// outputSchema converts an outputSchema like inputSchema, but never fails:
// an unusable one is dropped (it is informative only).
func outputSchema(v any) json.RawMessage {
	m, ok := asObject(v)
	if !ok {
		return nil
	}
	js, err := marshalSchema(inlineRefs(m))
	if err != nil {
		return nil
	}
	return js
}

func marshalSchema(m map[string]any) (json.RawMessage, error) {
	if len(m) == 0 {
		// A bare {} means "no arguments"; Mistral wants an object schema.
		return emptyObjectSchema, nil
	}
	js, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("inputSchema: %w", err)
	}
	return js, nil
}

// asObject accepts the shapes a decoded JSON object can take: the go-sdk
// decodes into map[string]any, a json.RawMessage may come from elsewhere.
func asObject(v any) (map[string]any, bool) {
	switch v := v.(type) {
	case map[string]any:
		return v, true
	case json.RawMessage:
		var m map[string]any
		if json.Unmarshal(v, &m) != nil || m == nil {
			return nil, false
		}
		return m, true
	default:
		return nil, false
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64, json.Number, int, int64:
		return "number"
	case []any:
		return "array"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// externalRef returns the first $ref (in no particular order) that does
// not point within the schema itself, that is, does not start with "#".
func externalRef(v any) (string, bool) {
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok && !strings.HasPrefix(ref, "#") {
			return ref, true
		}
		for _, x := range v {
			if ref, ok := externalRef(x); ok {
				return ref, true
			}
		}
	case []any:
		for _, x := range v {
			if ref, ok := externalRef(x); ok {
				return ref, true
			}
		}
	}
	return "", false
}

// hasRef reports whether the schema contains a $ref anywhere.
func hasRef(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["$ref"]; ok {
			return true
		}
		for _, x := range v {
			if hasRef(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if hasRef(x) {
				return true
			}
		}
	}
	return false
}

// inlineRefs returns a copy of root with every local $ref ("#", "#/$defs/x",
// "#/definitions/x", any "#/json/pointer") replaced by the schema it points
// to, and $defs/definitions dropped from the root. Sibling keywords next to
// a $ref are kept (they win over the referenced schema's). Recursive
// references and references deeper than maxRefDepth become
// {"type":"object"}; unresolvable ones become {}.
func inlineRefs(root map[string]any) map[string]any {
	if !hasRef(root) {
		return root
	}
	in := &inliner{root: root}
	out, _ := in.walk(root, nil).(map[string]any)
	if out == nil {
		return root
	}
	delete(out, "$defs")
	delete(out, "definitions")
	return out
}

type inliner struct {
	root map[string]any
}

func (in *inliner) walk(v any, stack []string) any {
	switch v := v.(type) {
	case map[string]any:
		if ref, ok := v["$ref"].(string); ok {
			return in.expand(v, ref, stack)
		}
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = in.walk(x, stack)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = in.walk(x, stack)
		}
		return out
	default:
		return v
	}
}

func (in *inliner) expand(node map[string]any, ref string, stack []string) any {
	var target map[string]any
	switch {
	case len(stack) >= maxRefDepth:
		target = map[string]any{"type": "object"}
	case contains(stack, ref):
		target = map[string]any{"type": "object"}
	default:
		t, ok := in.resolve(ref)
		if !ok {
			target = map[string]any{}
		} else {
			exp, _ := in.walk(t, append(stack, ref)).(map[string]any)
			target = exp
			if ref == "#" && target != nil {
				delete(target, "$defs")
				delete(target, "definitions")
			}
		}
	}
	out := make(map[string]any, len(target)+len(node))
	for k, x := range target {
		out[k] = x
	}
	for k, x := range node {
		if k == "$ref" {
			continue
		}
		out[k] = in.walk(x, stack)
	}
	return out
}

// resolve follows a local JSON pointer reference from the root.
func (in *inliner) resolve(ref string) (map[string]any, bool) {
	if ref == "#" {
		return in.root, true
	}
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	var cur any = in.root
	for _, tok := range strings.Split(ref[2:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case map[string]any:
			x, ok := c[tok]
			if !ok {
				return nil, false
			}
			cur = x
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	m, ok := cur.(map[string]any)
	return m, ok
}

func contains(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}
