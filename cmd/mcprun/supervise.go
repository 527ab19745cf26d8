package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
)

// superviseArg is the hidden first argument that makes mcprun the
// supervisor of one stdio server:
//
//	mcprun __supervise PPID -- COMMAND ARGS...
//
// mcpclient starts the supervisor in a process group of its own; the server
// runs in that group on the supervisor's stdin, stdout and stderr (the same
// descriptors, nothing copied). The supervisor's one job is the case
// mcpclient cannot handle: mcprun dying without closing its servers
// (SIGKILL, a crash). Then the supervisor kills its whole group — the
// server and everything the server started (npx → node, a stubborn
// grandchild) — where a parent-death signal on the server alone would
// leave the grandchildren behind.
const superviseArg = "__supervise"

// supervised returns the command line that runs command under mcprun's
// supervisor, self being mcprun's executable; with no self (tests in
// process, Windows), command runs directly.
func supervised(self, command string, args []string) (string, []string) {
	if self == "" || !canSupervise {
		return command, args
	}
	return self, append([]string{superviseArg, strconv.Itoa(os.Getpid()), "--", command}, args...)
}

// supervise is the supervisor's main. Signals from mcpclient's Close
// (SIGTERM) are passed to the server; the server's exit is the
// supervisor's exit status (128+N for a signal). mcpclient kills what is
// left of the group after either exits.
func supervise(args []string) int {
	if len(args) < 3 || args[1] != "--" {
		fmt.Fprintln(os.Stderr, "mcprun: __supervise PPID -- COMMAND ARGS...: not for people")
		return 2
	}
	ppid, err := strconv.Atoi(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "mcprun: __supervise: bad PPID")
		return 2
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, parentGone)
	watchParent(ppid) // after Notify, so that its signal is caught
	cmd := exec.Command(args[2], args[3:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "mcprun: starting the server: %v\n", err)
		return 127
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	for {
		select {
		case sig := <-sigs:
			if sig == parentGone {
				killOwnGroup() // mcprun is gone: nobody will close us
				return 137
			}
			_ = cmd.Process.Signal(sig)
		case <-done:
			return exitStatus(cmd.ProcessState)
		}
	}
}

func exitStatus(ps *os.ProcessState) int {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ps.ExitCode()
}
