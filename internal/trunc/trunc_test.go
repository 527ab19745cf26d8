package trunc

import (
	"testing"
	"unicode/utf8"
)

func TestCut(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		mark string
		want string
	}{
		{"short", 10, "…", "short"},
		{"exact", 5, "…", "exact"},
		{"longer text", 6, "…", "longer…"},
		{"héllo", 2, "", "h"}, // é is two bytes: not split
		{"héllo", 3, "", "hé"},
		{"日本語", 4, "…", "日…"},
		{"abc", 0, "…", "…"},
		{"abc", -1, "", ""},
	} {
		if got := Cut(tc.s, tc.n, tc.mark); got != tc.want {
			t.Errorf("Cut(%q, %d, %q) = %q, want %q", tc.s, tc.n, tc.mark, got, tc.want)
		}
	}
}

func FuzzCut(f *testing.F) {
	f.Add("héllo wörld", 4)
	f.Fuzz(func(t *testing.T, s string, n int) {
		got := Cut(s, n, "")
		if len(got) > len(s) || (len(s) > n && len(got) > max(n, 0)) {
			t.Fatalf("Cut(%q, %d) = %q: too long", s, n, got)
		}
		if s[:len(got)] != got {
			t.Fatalf("Cut(%q, %d) = %q: not a prefix", s, n, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Cut(%q, %d) = %q: split a rune", s, n, got)
		}
	})
}
