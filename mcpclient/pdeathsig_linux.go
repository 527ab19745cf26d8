package mcpclient

import "syscall"

// parentDeathSignal has the kernel SIGKILL the server when this process
// dies, however it dies. It reaches the server only, not what the server
// started: a program that must stop those too runs the server under a
// supervisor of its own (cmd/mcprun does). The signal is tied to the OS
// thread that started the child; the Go runtime ends a thread only when a
// goroutine locked to it exits still locked, which nothing here does.
func parentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
