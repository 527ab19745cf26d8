package mistral

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// structInfo is what decoding and encoding need of a struct type, worked
// out once per type (by reflection) and cached.
type structInfo struct {
	fields map[string][]int // exact JSON name → index path of the field
	// plain marks the fields the fast entry path sets itself: strings of
	// a type without decoding methods of its own, and time.Time.
	plain map[string]fieldKind
}

// fieldKind is how unmarshalEntryFast sets a field.
type fieldKind uint8

const (
	kindJSON   fieldKind = iota // json.Unmarshal of the member
	kindString                  // a plain JSON string, set as is
	kindTime                    // time.Time.UnmarshalJSON
)

var structInfos sync.Map // reflect.Type → *structInfo

func infoOf(t reflect.Type) *structInfo {
	if v, ok := structInfos.Load(t); ok {
		return v.(*structInfo)
	}
	info := &structInfo{fields: map[string][]int{}, plain: map[string]fieldKind{}}
	collectFields(t, nil, info.fields)
	for name, path := range info.fields {
		ft := t.FieldByIndex(path).Type
		switch {
		case ft == timeType:
			info.plain[name] = kindTime
		case ft.Kind() == reflect.String && !decodesItself(ft):
			info.plain[name] = kindString
		}
	}
	v, _ := structInfos.LoadOrStore(t, info)
	return v.(*structInfo)
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	jsonUnmarshalType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decodesItself reports whether encoding/json would decode into t through
// a method of t's rather than by its kind.
func decodesItself(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return pt.Implements(jsonUnmarshalType) || pt.Implements(textUnmarshalType)
}

// collectFields adds the JSON names of t's fields (from their json tags),
// those of embedded structs included, to out.
func collectFields(t reflect.Type, index []int, out map[string][]int) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		path := append(slices.Clip(index), i)
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			collectFields(f.Type, path, out) // embedded: its members are ours
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, ok := out[name]; !ok {
			out[name] = path
		}
	}
}

// knownKeys reports the JSON names of a struct type's fields.
func knownKeys(t reflect.Type) map[string][]int { return infoOf(t).fields }

// decodeMembers decodes a JSON object into its members: the one pass over
// an object's text; the members are then decoded one by one.
func decodeMembers(data []byte) (map[string]json.RawMessage, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	return all, nil
}

// fill decodes the members of all that v (a pointer to a struct) has a
// field for, matched by exact name (encoding/json alone would also match
// "Type" or "tYpe" to "type", and then write both back), and removes them
// from all: what is left is extra.
func fill(all map[string]json.RawMessage, v any) error {
	rv := reflect.ValueOf(v).Elem()
	fields := infoOf(rv.Type()).fields
	for name, raw := range all {
		path, ok := fields[name]
		if !ok {
			continue
		}
		delete(all, name)
		if err := setField(rv.FieldByIndex(path), raw); err != nil {
			return fmt.Errorf("member %q: %w", name, err)
		}
	}
	return nil
}

// setField decodes raw (valid JSON: decodeMembers checked it) into f.
// Plain strings (no escapes) and booleans are set directly, and a type that
// decodes itself (time.Time, Content) is given raw directly: each trip
// through json.Unmarshal costs a decoder state.
func setField(f reflect.Value, raw json.RawMessage) error {
	switch f.Kind() {
	case reflect.String:
		if len(raw) >= 2 && raw[0] == '"' {
			body := raw[1 : len(raw)-1]
			if bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
				f.SetString(string(body))
				return nil
			}
		}
	case reflect.Bool:
		switch string(raw) {
		case "true", "false":
			f.SetBool(raw[0] == 't')
			return nil
		}
	}
	addr := f.Addr().Interface()
	if u, ok := addr.(json.Unmarshaler); ok && string(raw) != "null" {
		return u.UnmarshalJSON(raw)
	}
	return json.Unmarshal(raw, addr)
}

// decodeKeepingExtra decodes data into v (a pointer to a struct whose fields
// carry json tags) and returns the members v has no field for, so that they can
// be written back unchanged: the API may add fields we do not know yet. The
// members named in skip (the "type" that chose v's type) are neither.
func decodeKeepingExtra(data []byte, v any, skip ...string) (map[string]json.RawMessage, error) {
	all, err := decodeMembers(data)
	if err != nil {
		return nil, err
	}
	return fillKeepingExtra(all, v, skip...)
}

// fillKeepingExtra is decodeKeepingExtra on decoded members; it uses up all.
func fillKeepingExtra(all map[string]json.RawMessage, v any, skip ...string) (map[string]json.RawMessage, error) {
	for _, k := range skip {
		delete(all, k)
	}
	if err := fill(all, v); err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, nil
	}
	return all, nil
}

// typeOf returns the "type" member of decoded members, "" when there is none.
func typeOf(all map[string]json.RawMessage) (string, error) {
	raw, ok := all["type"]
	if !ok {
		return "", nil
	}
	var t string
	if err := json.Unmarshal(raw, &t); err != nil {
		return "", err
	}
	return t, nil
}

// typeMember returns the "type" member of a JSON object (exactly that name),
// or "" when there is none.
func typeMember(data []byte) (string, error) {
	all, err := decodeMembers(data)
	if err != nil {
		return "", err
	}
	return typeOf(all)
}

// encodeWithExtra marshals v and adds the extra members that v has no field for.
func encodeWithExtra(v any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	known := knownKeys(derefType(v))
	var buf bytes.Buffer
	buf.Grow(len(b) + 64*len(extra))
	buf.Write(b[:len(b)-1]) // drop the closing brace
	first := len(b) == 2    // "{}"
	for _, k := range slices.Sorted(maps.Keys(extra)) {
		raw := extra[k]
		if _, ok := known[k]; ok {
			continue // a typed field wins over a stale extra copy
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(raw)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// member is one JSON member with a string value.
type member struct{ name, value string }

// encodeHeaded writes v with extra (as encodeWithExtra does) after the
// members in head: those its Go type determines, which win over a member
// of the same name in extra.
func encodeHeaded(head []member, v any, extra map[string]json.RawMessage) ([]byte, error) {
	for _, m := range head {
		if _, ok := extra[m.name]; ok {
			extra = maps.Clone(extra)
			for _, m := range head {
				delete(extra, m.name)
			}
			break
		}
	}
	body, err := encodeWithExtra(v, extra)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1, len(body)+32*len(head))
	out[0] = '{'
	for i, m := range head {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendQuote(out, m.name) // names are ASCII constants
		out = append(out, ':')
		if plainASCII(m.value) {
			out = strconv.AppendQuote(out, m.value)
			continue
		}
		vb, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		out = append(out, vb...)
	}
	if len(body) > 2 { // not "{}"
		out = append(out, ',')
	}
	return append(out, body[1:]...), nil
}

// plainASCII reports whether s is printable ASCII that JSON and Go quote
// alike (no quote, backslash or HTML-escaped character).
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// derefType is the struct type behind a pointer.
func derefType(v any) reflect.Type {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
