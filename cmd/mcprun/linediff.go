package main

import (
	"bytes"
	"encoding/json"
	"strings"
)

// maxDiffCells bounds the work of lineDiff (lines before × lines after):
// past it, the whole old text is shown removed and the new one added.
const maxDiffCells = 1 << 22

// lineDiff returns the lines of a diff from was to now, each prefixed
// "- " (removed), "+ " (added) or "  " (kept), with at most context kept
// lines around a change and "  …" where kept lines are left out. It is a
// longest-common-subsequence diff: pins are read by people, and a schema
// is at most a few thousand lines.
func lineDiff(was, now []string, context int) []string {
	pre := 0
	for pre < len(was) && pre < len(now) && was[pre] == now[pre] {
		pre++
	}
	suf := 0
	for suf < len(was)-pre && suf < len(now)-pre && was[len(was)-1-suf] == now[len(now)-1-suf] {
		suf++
	}
	a, b := was[pre:len(was)-suf], now[pre:len(now)-suf]
	type op struct {
		kind byte // ' ', '-', '+'
		line string
	}
	var ops []op
	for _, l := range was[:pre] {
		ops = append(ops, op{' ', l})
	}
	if len(a)*len(b) > maxDiffCells {
		for _, l := range a {
			ops = append(ops, op{'-', l})
		}
		for _, l := range b {
			ops = append(ops, op{'+', l})
		}
	} else {
		// lcs[i][j] is the common subsequence's length of a[i:] and b[j:].
		lcs := make([][]int32, len(a)+1)
		for i := range lcs {
			lcs[i] = make([]int32, len(b)+1)
		}
		for i := len(a) - 1; i >= 0; i-- {
			for j := len(b) - 1; j >= 0; j-- {
				if a[i] == b[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(a) || j < len(b) {
			switch {
			case i < len(a) && j < len(b) && a[i] == b[j]:
				ops = append(ops, op{' ', a[i]})
				i, j = i+1, j+1
			case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
				ops = append(ops, op{'-', a[i]})
				i++
			default:
				ops = append(ops, op{'+', b[j]})
				j++
			}
		}
	}
	for _, l := range was[len(was)-suf:] {
		ops = append(ops, op{' ', l})
	}
	// Keep the changes and the kept lines within context of one.
	near := make([]bool, len(ops))
	for i, o := range ops {
		if o.kind == ' ' {
			continue
		}
		for k := max(0, i-context); k <= min(len(ops)-1, i+context); k++ {
			near[k] = true
		}
	}
	var out []string
	gap := false
	for i, o := range ops {
		if !near[i] {
			gap = true
			continue
		}
		if gap && len(out) > 0 {
			out = append(out, "  …")
		}
		gap = false
		out = append(out, string(o.kind)+" "+o.line)
	}
	if gap && len(out) > 0 {
		out = append(out, "  …")
	}
	return out
}

// jsonLines is a JSON value indented two spaces a level, a line each;
// nothing (no annotations) is "(none)".
func jsonLines(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return []string{"(none)"}
	}
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") != nil {
		return strings.Split(string(raw), "\n")
	}
	return strings.Split(b.String(), "\n")
}
