// Command mcprun-temporal runs mcprun runs as durable Temporal workflows:
//
//	mcprun-temporal worker --temporal HOST:PORT [--stdio "CMD ARGS"]... [--http URL]... [--sse URL]... [--config FILE] [--task-queue Q]
//	mcprun-temporal run --temporal HOST:PORT [--model M | --agent ID] [--detach] [--json] PROMPT
//	mcprun-temporal attach ID
//	mcprun-temporal cancel ID
//	mcprun-temporal approve [--deny CALL_ID [--reason TEXT]]... ID
//
// It is a binary of its own (in the nested module
// github.com/mcprun/mcprun/temporal) so that mcprun itself does not link
// Temporal. The address also comes from TEMPORAL_ADDRESS, the namespace from
// --temporal-namespace or TEMPORAL_NAMESPACE (default "default"); the
// worker reads MISTRAL_API_KEY and MISTRAL_SERVER_URL as mcprun run does.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/mcprun/mcprun/internal/prompt"
	"github.com/mcprun/mcprun/internal/serverflags"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
	"github.com/mcprun/mcprun/temporal"
)

const usage = `usage: mcprun-temporal COMMAND [flags]

Commands:
  worker   serve durable runs: execute their model turns and tool calls
  run      start a durable run and print its progress and answer (--detach: its id)
  attach   follow a durable run to its end, as run does
  cancel   cancel a durable run (its pending calls are answered as cancelled)
  approve  approve (or --deny) the calls a durable run waits on

Every command takes --temporal HOST:PORT ($TEMPORAL_ADDRESS) and
--temporal-namespace NS ($TEMPORAL_NAMESPACE, default "default").
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := mainCode(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// errUsage: the usage was printed.
var errUsage = errors.New("usage")

func mainCode(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	a := &app{stdin: os.Stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	var err error
	switch args[0] {
	case "worker":
		err = a.workerCmd(ctx, args[1:])
	case "run":
		err = a.runCmd(ctx, args[1:])
	case "attach":
		err = a.attachCmd(ctx, args[1:])
	case "cancel":
		err = a.cancelCmd(ctx, args[1:])
	case "approve":
		err = a.approveCmd(ctx, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		fmt.Fprintf(stderr, "mcprun-temporal: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errDetachedStop):
		return 130
	}
	fmt.Fprintf(stderr, "mcprun-temporal: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
	return 1
}

type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// connFlags are every command's Temporal flags.
type connFlags struct {
	address, namespace, taskQueue string
}

func (c *connFlags) register(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.address, "temporal", getenv("TEMPORAL_ADDRESS"), "the Temporal frontend `HOST:PORT` (default $TEMPORAL_ADDRESS)")
	ns := getenv("TEMPORAL_NAMESPACE")
	if ns == "" {
		ns = "default"
	}
	fs.StringVar(&c.namespace, "temporal-namespace", ns, "the Temporal `NAMESPACE` (default $TEMPORAL_NAMESPACE, else default)")
	fs.StringVar(&c.taskQueue, "task-queue", temporal.DefaultTaskQueue, "the `QUEUE` workers poll and runs are sent to")
}

// dial connects to Temporal and checks the namespace, so that an
// unreachable server or an unknown namespace is one clear line.
func (c *connFlags) dial(ctx context.Context) (client.Client, error) {
	if c.address == "" {
		return nil, errors.New("no Temporal server: give --temporal HOST:PORT or set TEMPORAL_ADDRESS")
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	tc, err := client.DialContext(dctx, client.Options{HostPort: c.address, Namespace: c.namespace, Logger: quietLogger()})
	if err != nil {
		return nil, fmt.Errorf("cannot reach Temporal at %s: %w", c.address, err)
	}
	if _, err := tc.WorkflowService().DescribeNamespace(dctx, describeNS(c.namespace)); err != nil {
		tc.Close()
		return nil, fmt.Errorf("no namespace %q on Temporal at %s: %w", c.namespace, c.address, err)
	}
	return tc, nil
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func (a *app) flagSet(name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(a.stderr, "usage: mcprun-temporal %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

func (a *app) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

func (a *app) workerCmd(ctx context.Context, args []string) error {
	var (
		conn   connFlags
		srv    serverFlags
		once   serverflags.List
		sticky time.Duration
		url    string
		deploy string
		build  string
		setCur bool
	)
	fs := a.flagSet("worker", "[flags]")
	conn.register(fs, a.getenv)
	srv.register(fs)
	fs.Var(&once, "at-most-once", "never retry calls of this `TOOL` after a worker dies (tools marked destructive and not idempotent are so already); repeatable")
	fs.DurationVar(&sticky, "sticky-timeout", 0, "how long a run waits for this worker's cache before another worker takes it over (Temporal's default: 5s)")
	fs.StringVar(&url, "server-url", "", "the Mistral API base `URL` (default $MISTRAL_SERVER_URL)")
	fs.StringVar(&deploy, "deployment", "", "worker versioning: this worker's deployment `NAME` (with --build-id)")
	fs.StringVar(&build, "build-id", "", "worker versioning: this worker's build `ID` (with --deployment)")
	fs.BoolVar(&setCur, "set-current", false, "worker versioning: make this build the deployment's current version once the worker polls (runs move to it at their next step)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	if (deploy == "") != (build == "") || (setCur && deploy == "") {
		return errors.New("worker versioning needs both --deployment and --build-id (and --set-current needs them)")
	}
	// Temporal retries the turns: the client's own retries are off.
	mopts := []mistral.Option{mistral.WithMaxRetries(0)}
	if key := a.getenv("MISTRAL_API_KEY"); key != "" {
		mopts = append(mopts, mistral.WithAPIKey(key))
	}
	if url == "" {
		url = a.getenv("MISTRAL_SERVER_URL")
	}
	if url != "" {
		mopts = append(mopts, mistral.WithServerURL(url))
	} else if a.getenv("MISTRAL_API_KEY") == "" {
		return errors.New("no Mistral API key: set MISTRAL_API_KEY")
	}
	mc, err := mistral.NewClient(mopts...)
	if err != nil {
		return err
	}
	// Servers' sampling requests are answered inside a tool call: not
	// retried by Temporal, so their client keeps its own retries.
	sampler, err := mistral.NewClient(mopts[1:]...)
	if err != nil {
		return err
	}
	ropts, closeAll, err := srv.runOptions(a.getenv, sampler)
	if err != nil {
		return err
	}
	// The model is the run's: the worker's Runner only lends its tools
	// and client.
	r, err := run.New(mc, append([]run.Option{run.WithModel("worker")}, ropts...)...)
	if err != nil {
		closeAll()
		return err
	}
	defer r.Close()
	if err := r.Connect(ctx); err != nil {
		return err
	}
	tc, err := conn.dial(ctx)
	if err != nil {
		return err
	}
	defer tc.Close()
	var topts []temporal.Option
	if len(once) > 0 {
		topts = append(topts, temporal.AtMostOnce(once...))
	}
	wo := worker.Options{StickyScheduleToStartTimeout: sticky}
	if deploy != "" {
		wo.DeploymentOptions = worker.DeploymentOptions{
			UseVersioning:             true,
			Version:                   worker.WorkerDeploymentVersion{DeploymentName: deploy, BuildID: build},
			DefaultVersioningBehavior: workflow.VersioningBehaviorAutoUpgrade,
		}
	}
	w, err := temporal.NewWorker(tc, conn.taskQueue, r, wo, topts...)
	if err != nil {
		return err
	}
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	if setCur {
		if err := setCurrent(ctx, tc, deploy, build); err != nil {
			return err
		}
	}
	tools, _ := r.Tools(ctx)
	fmt.Fprintf(a.stderr, "worker on %s, namespace %s, task queue %s, %d tool(s)\n", conn.address, conn.namespace, conn.taskQueue, len(tools))
	<-ctx.Done()
	return nil
}

// setCurrent makes build the deployment's current version, once the
// server has seen this worker poll (it refuses a version it does not know).
func setCurrent(ctx context.Context, tc client.Client, deploy, build string) error {
	h := tc.WorkerDeploymentClient().GetHandle(deploy)
	deadline := time.Now().Add(30 * time.Second)
	for {
		_, err := h.SetCurrentVersion(ctx, client.WorkerDeploymentSetCurrentVersionOptions{BuildID: build})
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("making %s %s the current version: %w", deploy, build, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// errDetachedStop: the client stopped following a run that goes on.
var errDetachedStop = errors.New("stopped following")

func (a *app) runCmd(ctx context.Context, args []string) error {
	var (
		conn                    connFlags
		model, agent, instr, id string
		conversation, schema    string
		maxTurns                int
		contOnErr, detach, js   bool
		stream                  bool
		timeout                 time.Duration
	)
	fs := a.flagSet("run", "[flags] PROMPT  (PROMPT \"-\" reads it from stdin; optional with --conversation)")
	conn.register(fs, a.getenv)
	fs.StringVar(&model, "model", "mistral-medium-latest", "the `MODEL` to run (ignored with --agent)")
	fs.StringVar(&agent, "agent", "", "run with the agent of this `ID` instead of a model")
	fs.StringVar(&instr, "instructions", "", "system instructions of a model run")
	fs.StringVar(&schema, "output-schema", "", "a JSON Schema `FILE`: the answer is structured output matching it")
	fs.StringVar(&conversation, "conversation", "", "continue the conversation of this `ID`")
	fs.IntVar(&maxTurns, "max-turns", run.DefaultMaxTurns, "bound on model turns")
	fs.BoolVar(&contOnErr, "continue-on-error", true, "send a failing tool's error to the model instead of stopping")
	fs.DurationVar(&timeout, "timeout", 0, "bound the whole run (e.g. 90s, 5m), from its start and whatever worker runs it; 0: none")
	fs.BoolVar(&detach, "detach", false, "print the run's workflow id and exit; mcprun-temporal attach ID follows it")
	fs.BoolVar(&js, "json", false, `print the result as one JSON object {"workflow_id","conversation_id","output_entries","output_text","output"}`)
	fs.BoolVar(&stream, "stream", false, "print the answer's text as it streams and tool calls on stderr as they happen, as mcprun run --stream does")
	fs.StringVar(&id, "id", "", "the workflow `ID` (default: Temporal chooses)")
	refused := refuseLocalFlags(fs)
	fs.Usage = refused.usage(fs, "usage: mcprun-temporal run [flags] PROMPT  (PROMPT \"-\" reads it from stdin; optional with --conversation)")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if err := refused.err(); err != nil {
		return err
	}
	prompt, err := prompt.FromArgs(fs.Args(), a.stdin)
	if err != nil {
		return err
	}
	if prompt == "" && conversation == "" {
		fs.Usage()
		return errUsage
	}
	if timeout < 0 {
		return errors.New("--timeout: negative duration")
	}
	s, err := settings(model, agent, instr, schema, maxTurns, contOnErr)
	if err != nil {
		return err
	}
	tc, err := conn.dial(ctx)
	if err != nil {
		return err
	}
	defer tc.Close()
	in := temporal.RunInput{Settings: s, ConversationID: conversation, Timeout: timeout}
	if prompt != "" {
		in.Inputs = mistral.TextInputs(prompt)
	}
	wr, err := temporal.Start(ctx, tc, in, client.StartWorkflowOptions{ID: id, TaskQueue: conn.taskQueue})
	if err != nil {
		return err
	}
	if detach {
		fmt.Fprintln(a.stdout, wr.GetID())
		return nil
	}
	return a.follow(ctx, tc, conn.address, wr.GetID(), js, stream)
}

// settings are the run's settings as a local run makes them: a Runner
// built with the same options says them (and checks them: a schema that
// does not compile fails here, not after the run).
func settings(model, agent, instr, schema string, maxTurns int, contOnErr bool) (run.Settings, error) {
	opts := []run.Option{run.WithMaxTurns(maxTurns), run.WithContinueOnError(contOnErr)}
	if agent != "" {
		opts = append(opts, run.WithAgent(agent))
	} else {
		opts = append(opts, run.WithModel(model))
		if instr != "" {
			opts = append(opts, run.WithInstructions(instr))
		}
	}
	if schema != "" {
		raw, err := os.ReadFile(schema)
		if err != nil {
			return run.Settings{}, fmt.Errorf("--output-schema: %w", err)
		}
		name := strings.TrimSuffix(filepath.Base(schema), filepath.Ext(schema))
		opts = append(opts, run.WithOutputSchema(strings.TrimSuffix(name, ".schema"), raw))
	}
	mc, err := mistral.NewClient(mistral.WithAPIKey("unused: the workers send the turns"))
	if err != nil {
		return run.Settings{}, err
	}
	r, err := run.New(mc, opts...)
	if err != nil {
		return run.Settings{}, err
	}
	defer r.Close()
	return r.Settings(), nil
}

// follow prints a run's progress as mcprun run does (tool calls on
// stderr; with stream, the answer's text as it streams), then its answer.
func (a *app) follow(ctx context.Context, tc client.Client, addr, id string, js, stream bool) error {
	type done struct {
		res *run.Result
		err error
	}
	ch := make(chan done, 1)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		res, err := temporal.Wait(wctx, tc, id)
		ch <- done{res, err}
	}()
	f := &follower{a: a, addr: addr, id: id, stream: stream && !js, complete: true}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			f.show(wctx, tc, true)
		case d := <-ch:
			f.show(wctx, tc, false)
			if d.err != nil && errors.Is(ctx.Err(), context.Canceled) {
				fmt.Fprintf(a.stderr, "the run goes on: mcprun-temporal attach %s (or cancel %s)\n", id, id)
				return errDetachedStop
			}
			if d.err != nil {
				var oe *run.OutputError
				if errors.As(d.err, &oe) && d.res != nil {
					// As mcprun run: the answer is kept (stdout, or
					// --json's partial result), the error is the line on
					// stderr.
					switch {
					case js:
						a.printPartialJSON(id, d.res, d.err)
					case stream:
						f.finish(d.res)
					default:
						fmt.Fprintln(a.stdout, d.res.Text())
					}
					return d.err
				}
				if d.res != nil && d.res.ConversationID != "" {
					if js {
						a.printPartialJSON(id, d.res, d.err)
					}
					a.reportStopped(d.res, d.err)
				}
				return d.err
			}
			if js {
				return a.printJSON(id, d.res)
			}
			if f.stream {
				f.finish(d.res)
				return nil
			}
			fmt.Fprintln(a.stdout, d.res.Text())
			return nil
		}
	}
}

// reportStopped says, as mcprun run does, where a run that stopped left
// its conversation and how to go on with it.
func (a *app) reportStopped(res *run.Result, err error) {
	what := "stopped"
	switch {
	case errors.Is(err, run.ErrRunTimeout):
		what = "timed out"
	case errors.Is(err, context.Canceled):
		what = "cancelled"
	}
	if n := len(res.Pending); n > 0 {
		fmt.Fprintf(a.stderr, "mcprun-temporal: %s; conversation %s awaits %d tool call(s). Resume with:\n  mcprun run --temporal --conversation %s\n", what, res.ConversationID, n, res.ConversationID)
		return
	}
	fmt.Fprintf(a.stderr, "mcprun-temporal: %s; conversation %s. Continue with:\n  mcprun run --temporal --conversation %s PROMPT\n", what, res.ConversationID, res.ConversationID)
}

// follower prints what a run reports, each thing once.
type follower struct {
	a      *app
	addr   string // Temporal's, for the approve command it shows
	id     string
	stream bool // the answer's text as it streams
	seen   int
	status string
	// The turn whose text is shown, what of it was printed, from which
	// attempt, and whether that is all of it.
	turn     int
	shown    string
	attempt  int
	complete bool
}

func (f *follower) show(ctx context.Context, tc client.Client, running bool) {
	a := f.a
	p, err := temporal.GetProgress(ctx, tc, f.id)
	if err != nil {
		return
	}
	if f.stream {
		// The text of turns that ended first (their calls follow them).
		for _, t := range p.Texts {
			if t.Turn > f.turn || (t.Turn == f.turn && !f.complete) {
				f.text(t.Turn, 0, t.Text, true)
			}
		}
	}
	for _, e := range p.Events {
		if e.Seq <= f.seen {
			continue
		}
		f.seen = e.Seq
		switch e.Kind {
		case "tool.started", "tool.result":
			if !f.stream {
				continue
			}
		}
		switch e.Kind {
		case "tool.started":
			fmt.Fprintf(a.stderr, "→ %s %s\n", e.Name, clip(e.Arguments, 200))
		case "tool.result":
			fmt.Fprintf(a.stderr, "← %s: %s\n", e.Name, clip(e.Text, 200))
		case "confirmation_required":
			fmt.Fprintf(a.stderr, "? %s %s needs approval (call %s): mcprun approve --temporal %s [--deny %s] %s\n", e.Name, clip(e.Arguments, 200), e.ToolCallID, f.addr, e.ToolCallID, f.id)
		}
	}
	if p.Status != f.status && p.Status != "running" && p.Status != "done" {
		fmt.Fprintf(a.stderr, "… %s\n", p.Status)
	}
	f.status = p.Status
	if f.stream && running {
		st, err := temporal.GetStreamingTurn(ctx, tc, f.id)
		if err == nil && st != nil && (st.Turn > f.turn || (st.Turn == f.turn && !f.complete)) {
			f.text(st.Turn, st.Attempt, st.Text, false)
		}
	}
}

// text prints what of a turn's text was not printed yet.
func (f *follower) text(turn, attempt int, text string, complete bool) {
	if turn != f.turn {
		f.turn, f.shown, f.attempt = turn, "", attempt
	}
	if !strings.HasPrefix(text, f.shown) {
		// The turn was retried and streamed again: what was printed is
		// not its answer.
		fmt.Fprintln(f.a.stdout)
		fmt.Fprintf(f.a.stderr, "… turn %d was retried: its text starts again\n", turn)
		f.shown = ""
	}
	if len(text) > len(f.shown) {
		fmt.Fprint(f.a.stdout, text[len(f.shown):])
	}
	f.shown, f.complete = text, complete
	if attempt != 0 {
		f.attempt = attempt
	}
}

// finish ends a streamed answer: the rest of the final text (past what its
// heartbeats and Progress.Texts carried), then a newline, as mcprun run
// --stream does.
func (f *follower) finish(res *run.Result) {
	if t := res.Text(); f.shown != "" && len(t) > len(f.shown) && strings.HasPrefix(t, f.shown) {
		fmt.Fprint(f.a.stdout, t[len(f.shown):])
	}
	fmt.Fprintln(f.a.stdout)
}

// printJSON prints what mcprun run --json prints, with the workflow id.
func (a *app) printJSON(id string, res *run.Result) error {
	out := struct {
		WorkflowID     string          `json:"workflow_id"`
		ConversationID string          `json:"conversation_id"`
		OutputEntries  mistral.Entries `json:"output_entries"`
		OutputText     string          `json:"output_text"`
		Output         json.RawMessage `json:"output"`
	}{id, res.ConversationID, res.OutputEntries, res.Text(), json.RawMessage("null")}
	if out.OutputEntries == nil {
		out.OutputEntries = mistral.Entries{}
	}
	if raw, err := run.OutputAs[json.RawMessage](res); err == nil {
		out.Output = raw
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// printPartialJSON prints what mcprun run --json prints for a run that
// stopped: {"workflow_id", "conversation_id", "output_entries",
// "pending_calls", "error"}.
func (a *app) printPartialJSON(id string, res *run.Result, runErr error) {
	out := struct {
		WorkflowID     string                       `json:"workflow_id"`
		ConversationID string                       `json:"conversation_id"`
		OutputEntries  mistral.Entries              `json:"output_entries"`
		PendingCalls   []*mistral.FunctionCallEntry `json:"pending_calls"`
		Error          string                       `json:"error"`
	}{id, res.ConversationID, res.OutputEntries, append([]*mistral.FunctionCallEntry{}, res.Pending...), strings.ReplaceAll(runErr.Error(), "\n", " ")}
	if out.OutputEntries == nil {
		out.OutputEntries = mistral.Entries{}
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

func (a *app) attachCmd(ctx context.Context, args []string) error {
	var conn connFlags
	var js, stream bool
	fs := a.flagSet("attach", "[flags] ID")
	conn.register(fs, a.getenv)
	fs.BoolVar(&js, "json", false, "print the result as one JSON object")
	fs.BoolVar(&stream, "stream", false, "print tool calls and results on stderr as they happen")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	tc, err := conn.dial(ctx)
	if err != nil {
		return err
	}
	defer tc.Close()
	return a.follow(ctx, tc, conn.address, fs.Arg(0), js, stream)
}

func (a *app) cancelCmd(ctx context.Context, args []string) error {
	var conn connFlags
	fs := a.flagSet("cancel", "[flags] ID")
	conn.register(fs, a.getenv)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	tc, err := conn.dial(ctx)
	if err != nil {
		return err
	}
	defer tc.Close()
	return temporal.Cancel(ctx, tc, fs.Arg(0))
}

func (a *app) approveCmd(ctx context.Context, args []string) error {
	var (
		conn   connFlags
		deny   serverflags.List
		reason string
	)
	fs := a.flagSet("approve", "[--deny CALL_ID [--reason TEXT]]... ID")
	conn.register(fs, a.getenv)
	fs.Var(&deny, "deny", "deny the call of this `CALL_ID` (the others are approved); repeatable")
	fs.StringVar(&reason, "reason", "", "what the model reads for a denied call")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	id := fs.Arg(0)
	tc, err := conn.dial(ctx)
	if err != nil {
		return err
	}
	defer tc.Close()
	p, err := temporal.GetProgress(ctx, tc, id)
	if err != nil {
		return err
	}
	if p.Deferral == nil {
		return fmt.Errorf("run %s waits for no approval (%s)", id, p.Status)
	}
	denied := map[string]bool{}
	for _, d := range deny {
		denied[d] = true
	}
	var decs []run.Decision
	for _, c := range p.Deferral.Calls {
		if denied[c.ToolCallID] {
			decs = append(decs, run.Reject(c.ToolCallID, reason))
			delete(denied, c.ToolCallID)
		} else {
			decs = append(decs, run.Approve(c.ToolCallID))
		}
	}
	for d := range denied {
		return fmt.Errorf("--deny %s: run %s does not wait on that call", d, id)
	}
	return temporal.Approve(ctx, tc, id, decs...)
}

func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func describeNS(ns string) *workflowservice.DescribeNamespaceRequest {
	return &workflowservice.DescribeNamespaceRequest{Namespace: ns}
}
