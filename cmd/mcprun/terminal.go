package main

import (
	"strings"
	"unicode"
)

// terminalSafe removes control characters (escape sequences that would
// move the cursor, rewrite the screen or set the title) from text a server
// or a file supplied, before it is printed to a terminal. Tabs and
// newlines stay.
func terminalSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r), r == '\u2028', r == '\u2029', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return -1 // C0, DEL, C1 (CSI), line separators and bidi overrides
		}
		return r
	}, s)
}
