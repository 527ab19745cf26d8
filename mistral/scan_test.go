package mistral

import (
	"reflect"
	"testing"
)

// FuzzEntryFastPath checks UnmarshalEntry's one-pass path against its
// general path: whenever the fast path takes an entry, the general path
// decodes it to the same value.
func FuzzEntryFastPath(f *testing.F) {
	for _, s := range entrySamples {
		f.Add(s)
	}
	f.Add(`{"object":"entry","type":"function.call","tool_call_id":"c1","name":"f","arguments":"{\"a\":1}","id":"e1","created_at":"2025-01-01T00:00:00Z"}`)
	f.Add(`{"type":"message.output","content":[{"type":"text","text":"hi"}],"role":"assistant","Role":"x"}`)
	f.Add(`{"type":"function.result","tool_call_id":"c","result":"r","type":"message.input"}`)
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := unmarshalEntryFast([]byte(s))
		if !ok {
			return
		}
		slow, err := unmarshalEntry([]byte(s))
		if err != nil {
			t.Fatalf("the fast path took %s, the general path refuses it: %v", s, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%s:\nfast    %#v\ngeneral %#v", s, fast, slow)
		}
	})
}

// Entries as the API sends them take the fast path.
func TestEntryFastPathTaken(t *testing.T) {
	for _, s := range []string{
		`{"object":"entry","type":"function.call","tool_call_id":"c1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","id":"fc_1","created_at":"2026-01-01T00:00:00Z","completed_at":null}`,
		`{"object":"entry","type":"message.output","content":"21°C","role":"assistant","model":"m","id":"msg_1","created_at":"2026-01-01T00:00:00Z"}`,
	} {
		if _, ok := unmarshalEntryFast([]byte(s)); !ok {
			t.Errorf("general path for %s", s)
		}
	}
}
