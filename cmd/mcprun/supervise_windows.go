package main

import (
	"os"
	"syscall"
)

// No supervisor on Windows: servers run directly (a job object would be
// the equivalent; not done).
const canSupervise = false

var parentGone os.Signal = syscall.Signal(0x1e)

func watchParent(int)                 {}
func childAttr() *syscall.SysProcAttr { return nil }
func killOwnGroup()                   {}
