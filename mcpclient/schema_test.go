package mcpclient

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

var validName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func TestSanitizeName(t *testing.T) {
	tests := map[string]string{
		"echo":                   "echo",
		"get-sum":                "get-sum",
		"fs.read_file":           "fs_read_file",
		"a b/c":                  "a_b_c",
		"":                       "tool",
		"héllo":                  "h_llo",
		"日本":                     "__",
		strings.Repeat("x", 100): strings.Repeat("x", 64),
	}
	for in, want := range tests {
		if got := sanitizeName(in); got != want {
			t.Errorf("sanitizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUniqueName(t *testing.T) {
	taken := map[string]bool{"a": true, "a_2": true}
	if got := uniqueName("a", taken); got != "a_3" {
		t.Errorf("uniqueName = %q", got)
	}
	long := strings.Repeat("y", 64)
	got := uniqueName(long, map[string]bool{long: true})
	if len(got) > 64 || !strings.HasSuffix(got, "_2") {
		t.Errorf("uniqueName(long) = %q", got)
	}
}

func TestInputSchema(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"missing", `null`, `{"type":"object","properties":{}}`, false},
		{"empty", `{}`, `{"type":"object","properties":{}}`, false},
		{"unchanged", `{"type":"object","properties":{"a":{"type":"string","enum":["x"]}},"required":["a"]}`,
			`{"properties":{"a":{"enum":["x"],"type":"string"}},"required":["a"],"type":"object"}`, false},
		{"defs inlined", `{"type":"object","properties":{"p":{"$ref":"#/$defs/P","description":"the p"}},"$defs":{"P":{"type":"object","properties":{"x":{"type":"number"}}}}}`,
			`{"properties":{"p":{"description":"the p","properties":{"x":{"type":"number"}},"type":"object"}},"type":"object"}`, false},
		{"definitions inlined", `{"type":"object","properties":{"p":{"$ref":"#/definitions/S"}},"definitions":{"S":{"type":"string"}}}`,
			`{"properties":{"p":{"type":"string"}},"type":"object"}`, false},
		{"recursive", `{"type":"object","properties":{"n":{"$ref":"#/$defs/Node"}},"$defs":{"Node":{"type":"object","properties":{"next":{"$ref":"#/$defs/Node"}}}}}`,
			`{"properties":{"n":{"properties":{"next":{"type":"object"}},"type":"object"}},"type":"object"}`, false},
		{"root recursive", `{"type":"object","properties":{"self":{"$ref":"#"}}}`,
			`{"properties":{"self":{"properties":{"self":{"type":"object"}},"type":"object"}},"type":"object"}`, false},
		{"unresolvable", `{"type":"object","properties":{"p":{"$ref":"#/$defs/missing"}}}`,
			`{"properties":{"p":{}},"type":"object"}`, false},
		{"network ref refused", `{"type":"object","properties":{"p":{"$ref":"https://example.com/s.json"}}}`, "", true},
		{"relative ref refused", `{"type":"object","properties":{"p":{"allOf":[{"$ref":"other.json#/x"}]}}}`, "", true},
		{"string", `"not a schema"`, "", true},
		{"array", `[1,2]`, "", true},
		{"wrong type", `{"type":"string"}`, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			if err := json.Unmarshal([]byte(tt.in), &v); err != nil {
				t.Fatal(err)
			}
			got, err := inputSchema(v)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestInlineRefsDepth(t *testing.T) {
	// A chain of distinct refs deeper than maxRefDepth ends in {"type":"object"}.
	defs := map[string]any{}
	for i := range 20 {
		defs["D"+string(rune('a'+i))] = map[string]any{"type": "object", "properties": map[string]any{
			"next": map[string]any{"$ref": "#/$defs/D" + string(rune('a'+i+1))},
		}}
	}
	root := map[string]any{"type": "object", "properties": map[string]any{"x": map[string]any{"$ref": "#/$defs/Da"}}, "$defs": defs}
	js, err := inputSchema(root)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), "$ref") || strings.Contains(string(js), "$defs") {
		t.Errorf("refs left: %s", js)
	}
	if n := strings.Count(string(js), `"next"`); n != maxRefDepth {
		t.Errorf("depth = %d, want %d", n, maxRefDepth)
	}
}

func FuzzSanitizeName(f *testing.F) {
	for _, s := range []string{"echo", "a.b", "", "日本語", strings.Repeat("z", 80)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := sanitizeName(s); !validName.MatchString(got) {
			t.Fatalf("sanitizeName(%q) = %q", s, got)
		}
	})
}

func FuzzInputSchema(f *testing.F) {
	for _, s := range []string{`{}`, `null`, `"x"`, `{"type":"object","properties":{"a":{"$ref":"#"}}}`,
		`{"$defs":{"a":{"$ref":"#/$defs/a"}},"$ref":"#/$defs/a"}`, `{"properties":{"a":{"$ref":"#/properties/a/items/0"}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			return
		}
		js, err := inputSchema(v)
		if err == nil && !json.Valid(js) {
			t.Fatalf("invalid JSON out of %q: %s", s, js)
		}
	})
}

func TestRingBuffer(t *testing.T) {
	r := newRingBuffer(8)
	r.Write([]byte("abc"))
	if r.String() != "abc" {
		t.Errorf("got %q", r.String())
	}
	r.Write([]byte("defghij"))
	if r.String() != "cdefghij" {
		t.Errorf("got %q", r.String())
	}
	r.Write([]byte("k"))
	if r.String() != "defghijk" {
		t.Errorf("got %q", r.String())
	}
	r.Write([]byte("0123456789"))
	if r.String() != "23456789" {
		t.Errorf("got %q", r.String())
	}
	if r.tail(3) != "789" {
		t.Errorf("tail = %q", r.tail(3))
	}
}
