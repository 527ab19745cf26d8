package mistral

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// knownKeys lists the JSON names of a struct's fields (from their json tags).
func knownKeys(t reflect.Type) map[string]bool {
	keys := make(map[string]bool, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			for k := range knownKeys(ft) { // embedded: its members are ours
				keys[k] = true
			}
			continue
		}
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		keys[name] = true
	}
	return keys
}

// decodeKeepingExtra decodes data into v (a pointer to a struct whose fields
// carry json tags) and returns the members v has no field for, so that they can
// be written back unchanged: the API may add fields we do not know yet. The
// members named in skip (the "type" that chose v's type) are neither.
func decodeKeepingExtra(data []byte, v any, skip ...string) (map[string]json.RawMessage, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	for _, k := range skip {
		delete(all, k)
	}
	// Only members named exactly as a field fill it: encoding/json alone
	// would also match "Type" or "tYpe" to "type", and then write both back.
	known := knownKeys(derefType(v))
	exact := make(map[string]json.RawMessage, len(known))
	for k, raw := range all {
		if known[k] {
			exact[k] = raw
			delete(all, k)
		}
	}
	b, err := json.Marshal(exact)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return nil, err
	}
	if len(all) == 0 {
		return nil, nil
	}
	return all, nil
}

// typeMember returns the "type" member of a JSON object (exactly that name),
// or "" when there is none.
func typeMember(data []byte) (string, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return "", err
	}
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

// encodeWithExtra marshals v and adds the extra members that v has no field for.
func encodeWithExtra(v any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	known := knownKeys(derefType(v))
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1]) // drop the closing brace
	first := len(b) == 2    // "{}"
	for _, k := range slices.Sorted(maps.Keys(extra)) {
		raw := extra[k]
		if known[k] {
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
	out := []byte{'{'}
	for i, m := range head {
		if i > 0 {
			out = append(out, ',')
		}
		out = strconv.AppendQuote(out, m.name) // names are ASCII constants
		out = append(out, ':')
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

// derefType is the struct type behind a pointer.
func derefType(v any) reflect.Type {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}
