//go:build unix

package mcpclient

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the server in a process group of its own, so that
// what it spawns (npx → node, uvx → python) can be stopped with it, and a
// terminal's Ctrl-C reaches us rather than the server directly. On Linux the
// server is also killed if this process dies without closing it (SIGKILL
// included): see parentDeathSignal.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	parentDeathSignal(cmd.SysProcAttr)
}

// killProcessGroup kills what is left of the server's process group once
// its session ended (the server exited, or Close stopped it).
// cmd.Process was set by Start before the session existed; ProcessState is
// not read, as the go-sdk reaps the child on a goroutine of its own.
func killProcessGroup(cmd *exec.Cmd) {
	if cmd.Process == nil || cmd.Process.Pid <= 0 {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}
