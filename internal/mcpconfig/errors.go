package mcpconfig

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// An Error is a config file that cannot be read as written. Its message is
// one line: the file, the key's path in it, and what is wrong.
type Error struct {
	File string // the file's path as given
	Key  string // dotted path of the offending key ("mcpServers.fs.argz"); empty for the file as a whole
	Msg  string // what is wrong with it
	Err  error  // the cause, if any (a syntax error)
}

// Error is the one-line message: config FILE: KEY: MSG.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config ")
	b.WriteString(printable(e.File))
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(printable(e.Key))
		b.WriteString(": ")
	}
	b.WriteString(oneLine(e.Msg))
	return b.String()
}

// Unwrap returns the cause, for errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// printable quotes s if it has control characters (a key may have a
// newline in it), so that the message stays one line.
func printable(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return strconv.Quote(s)
	}
	return s
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// aliases are groups of keys that different clients use for one thing: a
// did-you-mean that edit distance alone would not find.
var aliases = [][]string{
	{"url", "serverUrl", "httpUrl", "uri", "endpoint"},
	{"command", "cmd", "path", "executable"},
	{"env", "envs", "environment"},
	{"args", "arguments", "argv"},
	{"headers", "http_headers", "header"},
}

// didYouMean returns ` (did you mean "k"?)` for the known key closest to
// key, or "" when none is close.
func didYouMean(key string, known []string) string {
	for _, group := range aliases {
		if !slices.Contains(group, key) {
			continue
		}
		for _, k := range known {
			if k != key && slices.Contains(group, k) {
				return fmt.Sprintf(" (did you mean %q?)", k)
			}
		}
	}
	best, bestD := "", 1<<30
	for _, k := range known {
		d := distance(strings.ToLower(key), strings.ToLower(k))
		if d < bestD {
			best, bestD = k, d
		}
	}
	// Close enough to be a typo: a third of the length, at least one edit.
	if best != "" && bestD <= max(1, len(best)/3) {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// distance is the Levenshtein distance between a and b (bytes; keys are
// ASCII).
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20 // no key is that long; do not spend on it
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
