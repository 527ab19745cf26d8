package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Durable runs (worker, attach, cancel, run --temporal) live in a second
// binary, mcprun-temporal, built from the nested module
// github.com/mcprun/mcprun/temporal: mcprun itself does not link Temporal.
// mcprun hands these commands to it, found beside mcprun or on PATH.

// It is built from a clone: the temporal module's go.mod replaces the root
// module with ../, which `go install …@latest` refuses.
const temporalInstall = "in a clone of github.com/mcprun/mcprun: cd temporal && go install ./cmd/mcprun-temporal"

// temporalHelp is the help of the commands mcprun hands over.
var temporalHelp = map[string]string{
	"worker": `Usage: mcprun worker --temporal HOST:PORT [--stdio "CMD ARGS"]... [--http URL]... [--config FILE] [--task-queue Q]

Serves durable runs: executes their model turns and tool calls (mcprun-temporal worker;
its --help lists every flag). Servers may sample through the worker's client
(--sampling-model; remote ones with --allow-sampling); elicitation is not offered (no user).
With --defer, calls that need approval (as run --defer decides) wait in their run until
mcprun approve --temporal HOST:PORT ID answers them. The address also comes from TEMPORAL_ADDRESS, the namespace
from --temporal-namespace or TEMPORAL_NAMESPACE (default "default").

Example:
  mcprun worker --temporal 127.0.0.1:7233 --stdio "go run ./examples/weather/server"
`,
	"attach": `Usage: mcprun attach [--temporal HOST:PORT] ID

Follows a durable run (mcprun run --temporal --detach printed its ID) to its end, printing
its progress and answer as mcprun run does.

Example:
  mcprun attach 0b9f6c1e-0d4a-4c43-9f7e-3f1d2a7c9b10
`,
	"cancel": `Usage: mcprun cancel [--temporal HOST:PORT] ID

Cancels a durable run: its running calls are cancelled, its pending calls answered as
cancelled.

Example:
  mcprun cancel 0b9f6c1e-0d4a-4c43-9f7e-3f1d2a7c9b10
`,
}

// usesTemporal reports whether run's arguments ask for a durable run.
func usesTemporal(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (name == "temporal" || name == "detach") {
			return true
		}
	}
	return false
}

// exitError carries the exit code of the command mcprun handed over.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// temporalCmd runs mcprun-temporal CMD ARGS with mcprun's terminal.
func (a *app) temporalCmd(ctx context.Context, cmd string, args []string) error {
	if h, ok := temporalHelp[cmd]; ok && slices.ContainsFunc(args, isHelpFlag) {
		fmt.Fprint(a.stdout, h)
		return nil
	}
	bin := ""
	if self, err := os.Executable(); err == nil {
		if p := filepath.Join(filepath.Dir(self), "mcprun-temporal"); isExecutable(p) {
			bin = p
		}
	}
	if bin == "" {
		p, err := exec.LookPath("mcprun-temporal")
		if err != nil {
			return fmt.Errorf("%s: durable runs need mcprun-temporal beside mcprun or on PATH (%s)", cmd, temporalInstall)
		}
		bin = p
	}
	c := exec.CommandContext(ctx, bin, append([]string{cmd}, args...)...)
	c.Stdin, c.Stdout, c.Stderr = a.stdin, a.stdout, a.stderr
	// Interrupted, the child stops as it would alone (a worker finishes
	// its calls' reports); it is killed only if it does not.
	c.Cancel = func() error { return c.Process.Signal(os.Interrupt) }
	c.WaitDelay = 30 * time.Second
	err := c.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return &exitError{code: ee.ExitCode()}
	}
	return err
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}
