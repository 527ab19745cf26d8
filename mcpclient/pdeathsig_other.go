//go:build unix && !linux

package mcpclient

import "syscall"

// parentDeathSignal: only Linux has a parent-death signal; elsewhere a
// server outlives a process killed without closing it (cmd/mcprun's
// supervisor watches its parent instead).
func parentDeathSignal(*syscall.SysProcAttr) {}
