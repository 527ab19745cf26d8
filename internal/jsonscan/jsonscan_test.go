package jsonscan

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzSplitArray checks SplitArray against encoding/json on valid JSON:
// the same elements, or a refusal.
func FuzzSplitArray(f *testing.F) {
	f.Add(`[{"a":"]"},"x\"]",[1,[2]],null , 3]`)
	f.Add(`[]`)
	f.Add(` [ {"type":"text","text":"a,b"} ] `)
	f.Fuzz(func(t *testing.T, s string) {
		var raws []json.RawMessage
		if json.Unmarshal([]byte(s), &raws) != nil {
			return
		}
		bounds, ok := SplitArray([]byte(s), nil)
		if !ok {
			return
		}
		if len(bounds)/2 != len(raws) {
			t.Fatalf("%s: %d elements, encoding/json %d", s, len(bounds)/2, len(raws))
		}
		for k := range raws {
			if got := s[bounds[2*k]:bounds[2*k+1]]; got != string(bytes.TrimSpace(raws[k])) {
				t.Fatalf("%s: element %d is %q, encoding/json %q", s, k, got, raws[k])
			}
		}
	})
}

// FuzzMembers checks Members against encoding/json on valid JSON objects:
// the same members (the last of a name wins in both).
func FuzzMembers(f *testing.F) {
	f.Add(`{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"a}"}]}}`)
	f.Add(`{ "a" : [1, {"b": "]"}], "a": null }`)
	f.Fuzz(func(t *testing.T, s string) {
		var want map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &want) != nil || want == nil {
			return
		}
		got := map[string]string{}
		if !Members([]byte(s), func(name, value []byte) bool {
			got[string(name)] = string(value)
			return true
		}) {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d members, encoding/json %d", s, len(got), len(want))
		}
		for k, v := range want {
			if got[k] != string(bytes.TrimSpace(v)) {
				t.Fatalf("%s: member %q is %q, encoding/json %q", s, k, got[k], v)
			}
		}
	})
}
