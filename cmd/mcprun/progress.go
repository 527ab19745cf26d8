package main

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/run"
)

// progress shows one status line on a terminal's stderr (what the run is
// waiting on), and nothing when stderr is not a terminal.
type progress struct {
	w       io.Writer
	on      bool
	mu      sync.Mutex
	running map[string]int
}

func newProgress(w io.Writer, on bool) *progress {
	return &progress{w: w, on: on, running: map[string]int{}}
}

func (p *progress) start(what string) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\033[K⋯ %s", what)
}

func (p *progress) clear() {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprint(p.w, "\r\033[K")
}

// progress shows a tool's progress notification on the status line:
// "calling TOOL (3/10: MESSAGE)". It runs on a connection's reader, so it
// only writes a line.
func (p *progress) progress(e mcpclient.ProgressEvent) {
	what := "calling " + e.Tool + " ("
	if e.Total > 0 {
		what += fmt.Sprintf("%g/%g", e.Progress, e.Total)
	} else {
		what += fmt.Sprintf("%g", e.Progress)
	}
	if e.Message != "" {
		what += ": " + e.Message
	}
	p.start(clip(noControl(what), 120) + ")")
}

func (p *progress) hooks() run.Hooks {
	if !p.on {
		return run.Hooks{}
	}
	return run.Hooks{
		OnToolStart: func(ctx context.Context, c run.ToolCall) {
			p.mu.Lock()
			p.running[c.Name]++
			p.mu.Unlock()
			p.start("calling " + c.Name)
		},
		OnToolEnd: func(ctx context.Context, c run.ToolCall, o run.ToolOutcome) {
			p.mu.Lock()
			p.running[c.Name]--
			p.mu.Unlock()
			p.start("waiting for the model")
		},
	}
}
