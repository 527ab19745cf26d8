package main

import (
	"strings"
	"testing"

	"github.com/mcprun/mcprun/mcpclient"
)

func TestProgressLine(t *testing.T) {
	var b strings.Builder
	p := newProgress(&b, true)
	p.progress(mcpclient.ProgressEvent{Server: "s", Tool: "index", Progress: 3, Total: 10, Message: "files\x1b[2J scanned"})
	if got := b.String(); got != "\r\033[K⋯ calling index (3/10: files [2J scanned)" {
		t.Fatalf("%q", got)
	}
	b.Reset()
	p.progress(mcpclient.ProgressEvent{Tool: "index", Progress: 7})
	if got := b.String(); got != "\r\033[K⋯ calling index (7)" {
		t.Fatalf("%q", got)
	}
	b.Reset()
	newProgress(&b, false).progress(mcpclient.ProgressEvent{Tool: "index", Progress: 7})
	if b.Len() != 0 {
		t.Fatal("progress written without a terminal")
	}
}
