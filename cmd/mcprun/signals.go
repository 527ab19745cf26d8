package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// exitBrokenPipe is the exit status when stdout is closed under us (`mcprun
// … | head`): 128+SIGPIPE, what a shell expects of a program a closed pipe
// stopped, but reached after a clean shutdown (servers stopped), quietly.
const exitBrokenPipe = 141

// ignoreSIGPIPE keeps a closed stdout from killing mcprun (the Go runtime
// dies of SIGPIPE on fd 1 and 2 unless it is notified): the write fails
// with EPIPE instead, which brokenPipe turns into a clean stop.
func ignoreSIGPIPE() {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
}

// brokenPipe is stdout, watched: the first write that fails because the
// reader went away (EPIPE) cancels the command, so that it stops its
// servers and ends with exitBrokenPipe rather than running on or dying
// by the signal.
type brokenPipe struct {
	w      io.Writer
	cancel context.CancelFunc
	broken atomic.Bool
}

func (b *brokenPipe) Write(p []byte) (int, error) {
	if b.broken.Load() {
		return 0, syscall.EPIPE
	}
	n, err := b.w.Write(p)
	if err != nil && errors.Is(err, syscall.EPIPE) {
		b.broken.Store(true)
		b.cancel()
	}
	return n, err
}
