//go:build unix && !linux

package main

import (
	"os"
	"syscall"
	"time"
)

const canSupervise = true

// parentGone is sent by the supervisor to itself when mcprun is gone.
const parentGone = syscall.SIGUSR1

// watchParent polls for mcprun's death (it has no parent-death signal
// here): a changed parent id means mcprun is gone and the supervisor was
// adopted.
func watchParent(ppid int) {
	go func() {
		for os.Getppid() == ppid {
			time.Sleep(200 * time.Millisecond)
		}
		_ = syscall.Kill(os.Getpid(), parentGone)
	}()
}

func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }

func killOwnGroup() { _ = syscall.Kill(0, syscall.SIGKILL) }
