package jsonwrite

import (
	"bytes"
	"encoding/json"
	"testing"
)

// AppendString writes what json.Marshal writes, byte for byte.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "a<b>&c \"q\" \\ \n\t\r\b\f \x01 \x7f", "\u2028\u2029 é \xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := AppendString([]byte("x"), s); !bytes.Equal(got[1:], want) || got[0] != 'x' {
			t.Fatalf("AppendString(%q) = %s, want x%s", s, got, want)
		}
	})
}
