package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestLineDiff(t *testing.T) {
	var was []string
	for i := range 20 {
		was = append(was, fmt.Sprint(i))
	}
	now := slices.Clone(was)
	now[2] = "two"
	now = slices.Insert(now, 15, "new")
	got := strings.Join(lineDiff(was, now, 1), "|")
	want := "  1|- 2|+ two|  3|  …|  14|+ new|  15|  …"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := strings.Join(lineDiff(nil, []string{"a", "b"}, 3), "|"); got != "+ a|+ b" {
		t.Errorf("from nothing: %s", got)
	}
	if got := lineDiff(was, was, 3); len(got) != 0 {
		t.Errorf("no change: %q", got)
	}
	// Past the bound, the old lines are removed and the new ones added.
	big := make([]string, 3000)
	other := make([]string, 3000)
	for i := range big {
		big[i], other[i] = fmt.Sprint("a", i), fmt.Sprint("b", i)
	}
	if got := lineDiff(big, other, 0); len(got) != 6000 || got[0] != "- a0" || got[3000] != "+ b0" {
		t.Errorf("large: %d lines, %q %q", len(got), got[0], got[3000])
	}
}
