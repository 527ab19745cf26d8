package mcpconfig

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The formats are read into one generic tree (maps, lists, strings,
// numbers, booleans) and walked with these helpers, so that every format
// reports unknown keys and wrong types the same way.

// reader walks one file's tree and makes its errors.
type reader struct {
	file string
}

func (r *reader) errorf(key, format string, args ...any) *Error {
	return &Error{File: r.file, Key: key, Msg: fmt.Sprintf(format, args...)}
}

// object is one map of the tree with the keys its reader knows.
type object struct {
	r     *reader
	path  string
	m     map[string]any
	known []string
}

// object returns v as a map, or an error naming path.
func (r *reader) object(path string, v any) (*object, error) {
	m, ok := asMap(v)
	if !ok {
		return nil, r.errorf(path, "want an object, got %s", kind(v))
	}
	return &object{r: r, path: path, m: m}, nil
}

func asMap(v any) (map[string]any, bool) {
	switch v := v.(type) {
	case map[string]any:
		return v, true
	case map[any]any: // YAML with non-string keys
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[fmt.Sprint(k)] = x
		}
		return m, true
	}
	return nil, false
}

// keys returns the map's keys, sorted (maps have no order; errors and
// output must be stable).
func (o *object) keys() []string {
	ks := make([]string, 0, len(o.m))
	for k := range o.m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func (o *object) key(k string) string {
	if o.path == "" {
		return k
	}
	return o.path + "." + k
}

// strict fails on the first key (in sorted order) that is not in known.
func (o *object) strict(known ...string) error {
	o.known = known
	for _, k := range o.keys() {
		if !slices.Contains(known, k) {
			return o.r.errorf(o.key(k), "unknown key%s", didYouMean(k, known))
		}
	}
	return nil
}

func (o *object) has(k string) bool { _, ok := o.m[k]; return ok && o.m[k] != nil }

func (o *object) str(k string) (string, error) {
	v, ok := o.m[k]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", o.r.errorf(o.key(k), "want a string, got %s", kind(v))
	}
	return s, nil
}

func (o *object) boolean(k string) (bool, error) {
	v, ok := o.m[k]
	if !ok || v == nil {
		return false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, o.r.errorf(o.key(k), "want true or false, got %s", kind(v))
	}
	return b, nil
}

// number returns a non-negative number; ok is false when the key is absent.
func (o *object) number(k string) (n float64, ok bool, err error) {
	v, ok := o.m[k]
	if !ok || v == nil {
		return 0, false, nil
	}
	switch v := v.(type) {
	case json.Number:
		n, err = v.Float64()
	case float64:
		n = v
	case int64:
		n = float64(v)
	case int:
		n = float64(v)
	case uint64:
		n = float64(v)
	default:
		return 0, false, o.r.errorf(o.key(k), "want a number, got %s", kind(v))
	}
	if err != nil || n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, false, o.r.errorf(o.key(k), "want a non-negative number, got %v", v)
	}
	return n, true, nil
}

func (o *object) strs(k string) ([]string, error) {
	v, ok := o.m[k]
	if !ok || v == nil {
		return nil, nil
	}
	l, ok := v.([]any)
	if !ok {
		return nil, o.r.errorf(o.key(k), "want a list of strings, got %s", kind(v))
	}
	out := make([]string, len(l))
	for i, x := range l {
		s, ok := scalar(x)
		if !ok {
			return nil, o.r.errorf(fmt.Sprintf("%s[%d]", o.key(k), i), "want a string, got %s", kind(x))
		}
		out[i] = s
	}
	return out, nil
}

// strMap reads an object of strings (env, headers). Numbers and booleans
// are taken as their text, as the clients do for env values written
// unquoted in YAML and TOML.
func (o *object) strMap(k string) (map[string]string, error) {
	v, ok := o.m[k]
	if !ok || v == nil {
		return nil, nil
	}
	m, ok := asMap(v)
	if !ok {
		return nil, o.r.errorf(o.key(k), "want an object of strings, got %s", kind(v))
	}
	out := make(map[string]string, len(m))
	for name, x := range m {
		s, ok := scalar(x)
		if !ok {
			return nil, o.r.errorf(o.key(k)+"."+name, "want a string, got %s", kind(x))
		}
		out[name] = s
	}
	return out, nil
}

// scalar is a string, or a number or boolean as text.
func scalar(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	case uint64:
		return strconv.FormatUint(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return "", false
}

func kind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", clip(v))
	case bool:
		return fmt.Sprintf("%v", v)
	case json.Number, float64, int, int64, uint64:
		return fmt.Sprintf("the number %v", v)
	case []any:
		return "a list"
	case map[string]any, map[any]any:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func quoteList(ks []string) string {
	q := make([]string, len(ks))
	for i, k := range ks {
		q[i] = strconv.Quote(k)
	}
	return strings.Join(q, ", ")
}
