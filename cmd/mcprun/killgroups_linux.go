package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// killChildren kills this process's children and, for a child that leads
// a process group of its own (a stdio server, see mcpclient), that whole
// group: the second Ctrl-C's "stop now", for servers that ignore the
// shutdown. It reads /proc, so it is Linux's; elsewhere the servers' own
// process-group cleanup is all there is.
func killChildren() {
	me := strconv.Itoa(os.Getpid())
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces and parens.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 || i+2 > len(stat) {
			continue
		}
		f := strings.Fields(string(stat[i+2:]))
		if len(f) < 3 || f[1] != me {
			continue
		}
		if f[2] == e.Name() {
			_ = syscall.Kill(-pid, syscall.SIGKILL)
		} else {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
