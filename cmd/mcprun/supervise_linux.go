package main

import (
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

const canSupervise = true

// parentGone is the signal the kernel sends the supervisor when mcprun
// dies (PR_SET_PDEATHSIG): one nothing else sends it.
const parentGone = syscall.SIGUSR1

// The parent-death signal belongs to a thread: mcpclient set SIGKILL on the
// supervisor's main thread before exec, and only a prctl on that same
// thread replaces it. The main goroutine is on the main thread during
// init; locking it there keeps it so until supervise calls watchParent.
func init() {
	if len(os.Args) > 1 && os.Args[1] == superviseArg {
		runtime.LockOSThread()
	}
}

// watchParent asks for parentGone when mcprun dies. mcpclient started the
// supervisor with a parent-death SIGKILL (set before exec, so there is no
// moment without one); this replaces it with a signal the supervisor can
// act on. If mcprun died before that, the supervisor acts at once. It must
// run on the main goroutine (see init).
func watchParent(ppid int) {
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(parentGone), 0, 0, 0); err != nil || os.Getppid() != ppid {
		_ = syscall.Kill(os.Getpid(), parentGone)
	}
}

// childAttr: the server stays in the supervisor's group, and dies with the
// supervisor if that is killed outright (mcpclient's last resort).
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// killOwnGroup kills the supervisor's process group, itself included.
func killOwnGroup() { _ = syscall.Kill(0, syscall.SIGKILL) }
