// Package trunc cuts text to a byte budget, for messages and errors that
// quote outside data. It is the one truncation helper of the module.
package trunc

import "unicode/utf8"

// Cut returns s if it has at most n bytes. Otherwise it returns the
// longest prefix of s of at most n bytes that does not split a UTF-8
// sequence, followed by mark (which does not count towards n). A
// negative n counts as 0.
func Cut(s string, n int, mark string) string {
	if len(s) <= n {
		return s
	}
	cut := max(n, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}
