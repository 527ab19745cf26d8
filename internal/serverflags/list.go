package serverflags

import "strings"

// List is a repeatable string flag (flag.Value): each use appends.
type List []string

// String joins the values given so far.
func (l *List) String() string { return strings.Join(*l, ", ") }

// Set appends s.
func (l *List) Set(s string) error { *l = append(*l, s); return nil }
