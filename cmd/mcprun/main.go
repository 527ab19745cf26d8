// Command mcprun runs Mistral agents whose tool calls execute locally,
// against MCP servers (stdio, SSE, Streamable HTTP).
//
//	mcprun run [flags] PROMPT        run a conversation to its answer
//	mcprun chat [flags]              a conversation on stdin, a line per turn
//	mcprun tools [flags]             list the configured servers' tools
//	mcprun call [flags] SERVER TOOL JSON   call one tool directly
//	mcprun agents create|list        manage agents
//	mcprun auth login|status|logout  OAuth logins for remote MCP servers
//	mcprun config check FILE         what a config file would start
//	mcprun pins list|accept          tool definitions against their pins; accept a change
//	mcprun mock-server --addr ADDR   serve mistraltest, a scripted stand-in for the API
//	mcprun demo                      the weather example (mistraltest when no MISTRAL_API_KEY)
//
// The API key comes from MISTRAL_API_KEY, the server from --server-url or
// MISTRAL_SERVER_URL. Run `mcprun help COMMAND` (or `mcprun COMMAND --help`)
// for a command's flags and an example.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"golang.org/x/term"

	"github.com/mcprun/mcprun/internal/redact"
	"github.com/mcprun/mcprun/internal/version"
	"github.com/mcprun/mcprun/mcpclient/oauth"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == superviseArg {
		os.Exit(supervise(os.Args[2:]))
	}
	ignoreSIGPIPE()
	ctx, stop := withSignals(context.Background(), func(s string) { fmt.Fprintln(os.Stderr, s) })
	ctx, cancel := context.WithCancel(ctx)
	stdout := &brokenPipe{w: os.Stdout, cancel: cancel}
	a := &app{stdin: os.Stdin, stdout: stdout, stderr: os.Stderr, getenv: os.Getenv, terminal: term.IsTerminal(int(os.Stderr.Fd()))}
	if exe, err := os.Executable(); err == nil {
		a.self = exe
	}
	code := a.main(ctx, os.Args[1:])
	cancel()
	stop()
	os.Exit(code)
}

// app is the CLI with its outside world, so that tests can run it in
// process.
type app struct {
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	getenv   func(string) string
	terminal bool // stderr is a terminal: show progress there
	// self is mcprun's executable, which supervises each stdio server
	// (supervise.go); empty runs servers directly.
	self string
	// browser, if set, replaces opening the login URL in a browser (tests).
	browser func(ctx context.Context, url string) error

	linesOnce sync.Once // lines: the one buffered reader of stdin
	linesR    *bufio.Reader
	promptMu  sync.Mutex // one question on the terminal at a time
	// stdinTerminal, if set, replaces the terminal check of stdin (tests).
	stdinTerminal *bool

	// secrets are the ones in use (API key, header values, secret env
	// values and client secrets given to servers): never printed, never
	// sent to the model (see redact).
	secrets redact.Set

	storeOnce sync.Once // tokenStore's choice, made once
	store     oauth.TokenStore
	storeErr  error
}

const usage = `mcprun runs Mistral agents whose tool calls execute locally (Go functions, MCP servers).

Usage:
  mcprun run [flags] PROMPT              run a conversation to its final answer
  mcprun chat [flags]                    a conversation on stdin, a line per turn, same tools throughout
  mcprun tools [flags]                   list every configured server's tools
  mcprun call [flags] SERVER TOOL JSON   call one tool directly
  mcprun resources [flags] [SERVER URI]  list every server's resources, or read one
  mcprun prompts [flags] [SERVER NAME]   list every server's prompts, or get one (ARG=VALUE after NAME)
  mcprun agents create|list [flags]      create or list agents
  mcprun config check FILE               show what an MCP config file (any client's format) would start
  mcprun trust [FILE]                    let ./mcprun.json (or FILE), as it is now, start its servers without --config
  mcprun pins list|accept [flags]        tools changed since pinned (--tool-pins): list them, see and accept a change
  mcprun approve [flags] ID              continue a run that run --defer stopped at calls needing approval
                                         (--temporal: a durable run whose worker has --defer)
  mcprun auth login|status|logout        log in to OAuth-protected MCP servers (tokens kept in the OS keyring or a 0600 file)
  mcprun worker --temporal HOST:PORT     serve durable runs on Temporal (run --temporal starts one; attach, cancel)
  mcprun attach ID                       follow a durable run to its end
  mcprun cancel ID                       cancel a durable run
  mcprun mock-server [--addr ADDR]       serve mistraltest, a scripted stand-in for the Mistral API
  mcprun demo [run flags]                the weather example; against mistraltest when MISTRAL_API_KEY is unset

Environment: MISTRAL_API_KEY (API key), MISTRAL_SERVER_URL (API base URL); TEMPORAL_ADDRESS and
TEMPORAL_NAMESPACE for durable runs (worker, attach, cancel, run --temporal: handed to the
mcprun-temporal binary).
Run 'mcprun help COMMAND' (or 'mcprun COMMAND --help') for a command's flags and an example;
'mcprun --version' for the version.
`

// errUsage means the error was already explained with the usage text.
var errUsage = errors.New("usage")

func (a *app) main(ctx context.Context, args []string) int {
	a.secrets.Add(a.getenv("MISTRAL_API_KEY")) // never shown, whatever quotes it
	if len(args) == 0 {
		fmt.Fprint(a.stderr, usage)
		return 2
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "run":
		if usesTemporal(rest) {
			err = a.temporalCmd(ctx, cmd, rest)
		} else {
			err = a.runCmd(ctx, rest, false)
		}
	case "worker", "attach", "cancel":
		err = a.temporalCmd(ctx, cmd, rest)
	case "chat":
		err = a.chatCmd(ctx, rest)
	case "demo":
		err = a.demoCmd(ctx, rest)
	case "tools":
		err = a.toolsCmd(ctx, rest)
	case "call":
		err = a.callCmd(ctx, rest)
	case "resources":
		err = a.resourcesCmd(ctx, rest)
	case "prompts":
		err = a.promptsCmd(ctx, rest)
	case "agents":
		err = a.agentsCmd(ctx, rest)
	case "auth":
		err = a.authCmd(ctx, rest)
	case "approve":
		if usesTemporal(rest) { // a durable run's calls: an Update to its workflow
			err = a.temporalCmd(ctx, cmd, rest)
		} else {
			err = a.approveCmd(ctx, rest)
		}
	case "config":
		err = a.configCmd(ctx, rest)
	case "trust":
		err = a.trustCmd(ctx, rest)
	case "pins":
		err = a.pinsCmd(ctx, rest)
	case "mock-server":
		err = a.mockServerCmd(ctx, rest)
	case "help":
		return a.helpCmd(ctx, rest)
	case "version", "--version", "-version":
		fmt.Fprintf(a.stdout, "mcprun %s (%s %s/%s)\n", version.Version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return 0
	case "-h", "-help", "--help":
		fmt.Fprint(a.stdout, usage)
		return 0
	default:
		fmt.Fprintf(a.stderr, "mcprun: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
	if bp, ok := a.stdout.(*brokenPipe); ok && bp.broken.Load() {
		return exitBrokenPipe // the reader left (| head): not an error to report
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errDeferred):
		return 3 // explained already: calls wait for `mcprun approve`
	}
	if ee := (*exitError)(nil); errors.As(err, &ee) {
		return ee.code // mcprun-temporal said why
	}
	if ie := interrupted(ctx); ie != nil {
		fmt.Fprintf(a.stderr, "mcprun: %s\n", ie)
		return ie.exitCode()
	}
	fmt.Fprintf(a.stderr, "mcprun: %s\n", a.errorLine(err))
	return 1
}

// oneLine keeps an error on one line (a stdio server's stderr tail can span
// several).
func oneLine(s string) string {
	out := []rune{}
	for _, r := range s {
		if r == '\n' || r == '\r' {
			r = ' '
		}
		out = append(out, r)
	}
	return string(out)
}
