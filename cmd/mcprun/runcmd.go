package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/mcprun/mcprun/internal/prompt"
	"github.com/mcprun/mcprun/internal/serverflags"
	"github.com/mcprun/mcprun/internal/trunc"
	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// runFlags are the flags of `mcprun run` (and `mcprun demo`).
type runFlags struct {
	servers         serverFlags
	model           string
	agent           string
	instructions    string
	serverURL       string
	allowPlainHTTP  bool
	outputSchema    string
	continueOnError bool
	maxTurns        int
	stream          bool
	jsonOut         bool
	prefixTools     bool
	requireAll      bool   // --require-all-servers: no run without every server
	maxResultBytes  int    // --max-result-bytes: cap of each tool result
	prompt          string // --prompt SERVER/NAME: the run's instructions from an MCP prompt
	verbose         bool
	conversation    string
	confirm         bool
	allowSampling   bool          // remote servers may ask the model too
	deferCalls      bool          // --defer: stop at calls that need approval; `mcprun approve` goes on
	timeout         time.Duration // --timeout: bounds the whole run
	showEntries     bool          // print every output entry, then the structured output (demo)
	flagArgs        []string      // the flags as given, for the command that resumes
	command         string        // the command that resumes: "run" unless set ("demo")
}

// runSynopsis is what follows "mcprun NAME" in the usage of the commands
// that take runFlags: chat reads its turns from stdin, demo has a prompt.
var runSynopsis = map[string]string{
	"run":     " [flags] PROMPT  (PROMPT \"-\" reads it from stdin; optional with --conversation)",
	"chat":    " [flags]  (each line of stdin is a turn of one conversation; /exit or end of input ends it)",
	"demo":    " [flags] [PROMPT]  (default: \"" + demoPrompt + "\")",
	"approve": " [run flags] CONVERSATION_ID", // its own Usage says more
}

func (f *runFlags) register(a *app, name string) *flag.FlagSet {
	fs := a.newFlagSet(name, name+runSynopsis[name])
	f.servers.register(fs)
	fs.StringVar(&f.model, "model", "mistral-medium-latest", "the `MODEL` to run (ignored with --agent)")
	fs.StringVar(&f.agent, "agent", "", "run with the agent of this `ID` instead of a model")
	fs.StringVar(&f.instructions, "instructions", "", "system instructions of a model run")
	fs.StringVar(&f.prompt, "prompt", "", "use the MCP prompt `SERVER/NAME` (see mcprun prompts) as the instructions of a model run")
	fs.StringVar(&f.serverURL, "server-url", "", "the Mistral API base `URL` (default $MISTRAL_SERVER_URL, else https://api.mistral.ai)")
	fs.BoolVar(&f.allowPlainHTTP, "allow-plain-http", false, allowPlainHTTPUsage)
	fs.StringVar(&f.outputSchema, "output-schema", "", "a JSON Schema `FILE`: the answer is structured output matching it")
	fs.BoolVar(&f.continueOnError, "continue-on-error", true, "send a failing tool's error to the model instead of stopping")
	fs.IntVar(&f.maxTurns, "max-turns", run.DefaultMaxTurns, "bound on model turns")
	fs.BoolVar(&f.stream, "stream", false, "print text deltas and tool calls as they happen")
	fs.BoolVar(&f.jsonOut, "json", false, `print the result as one JSON object {"conversation_id","output_entries","output_text","output"}`)
	fs.BoolVar(&f.prefixTools, "prefix-tools", false, "prefix each MCP tool with its server's name (SERVER_TOOL), for servers whose tools collide")
	fs.IntVar(&f.maxResultBytes, "max-result-bytes", run.DefaultMaxResultBytes, "cap of each tool result the model reads, in `BYTES` (a longer one is cut with a note); mcprun.json's maxResultBytes sets a server's own")
	fs.BoolVar(&f.requireAll, "require-all-servers", false, "fail when any MCP server does not start (by default the run goes on with those that started, one line on stderr for each that did not)")
	fs.BoolVar(&f.confirm, "confirm", false, "ask on stdin before each tool call and each sampling request (read-only tools of servers a config marks \"trusted\" run without asking)")
	fs.BoolVar(&f.allowSampling, "allow-sampling", false, "let remote servers ask your model for completions (sampling), within each server's budget; stdio servers may by default")
	fs.StringVar(&f.conversation, "conversation", "", "continue the conversation of this `ID` (as --json prints it): tool calls it awaits are answered first; PROMPT is then optional")
	fs.BoolVar(&f.deferCalls, "defer", false, "stop at tool calls that need approval ("+serverflags.DeferRule+") and save them; `mcprun approve ID` continues")
	fs.DurationVar(&f.timeout, "timeout", 0, "bound the whole run (e.g. 90s, 5m); 0: none. The conversation id is printed to resume it")
	fs.BoolVar(&f.verbose, "v", false, "log requests and tool calls to stderr")
	return fs
}

func (a *app) runCmd(ctx context.Context, args []string, demo bool) error {
	var f runFlags
	fs := f.register(a, "run")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	prompt, err := prompt.FromArgs(fs.Args(), a.stdin)
	if err != nil {
		return err
	}
	if prompt == "" && f.conversation == "" {
		fs.Usage()
		return errUsage
	}
	if f.confirm && f.deferCalls {
		return errors.New("--confirm asks now, --defer asks later: give one of them")
	}
	f.flagArgs = args[:len(args)-len(fs.Args())]
	return a.execRun(ctx, &f, prompt, nil)
}

// execRun runs prompt with the flags; extra adds options (the demo's local
// function).
func (a *app) execRun(ctx context.Context, f *runFlags, prompt string, extra []run.Option, clientOpts ...mistral.Option) error {
	var callOpts []run.CallOption
	if f.conversation != "" {
		callOpts = append(callOpts, run.InConversation(f.conversation))
	}
	return a.execRunWith(ctx, f, prompt, extra, callOpts, clientOpts...)
}

// execRunWith is execRun with call options (the decisions of `approve`).
func (a *app) execRunWith(ctx context.Context, f *runFlags, prompt string, extra []run.Option, callOpts []run.CallOption, clientOpts ...mistral.Option) error {
	r, p, release, err := a.newRunner(ctx, f, extra, clientOpts...)
	if err != nil {
		return err
	}
	defer release()
	inputs := mistral.TextInputs(prompt)
	if prompt == "" {
		inputs = mistral.Inputs{} // resume: the conversation's pending calls
	}
	var res *run.Result
	if f.stream {
		res, err = a.streamRun(ctx, r, inputs, f.jsonOut, callOpts...)
	} else {
		p.start("waiting for the model")
		res, err = r.Run(ctx, inputs, callOpts...)
		p.clear()
	}
	if err != nil {
		var de *run.DeferredError
		if errors.As(err, &de) {
			return a.saveDeferral(f, res, de)
		}
		var oe *run.OutputError
		if errors.As(err, &oe) && res != nil {
			// The run finished, with an answer that is not the structured
			// output asked for: the answer is kept (stdout, or --json's
			// partial result), the error is the one line on stderr.
			if f.jsonOut {
				a.printPartialJSON(res, err)
			} else if !f.stream {
				fmt.Fprintln(a.stdout, res.Text())
			}
			return err
		}
		a.reportStopped(ctx, f, f.flagArgs, res, err)
		return err
	}
	if f.jsonOut {
		return a.printJSON(res, f.outputSchema != "")
	}
	if f.showEntries {
		a.printEntries(res)
		return nil
	}
	if f.stream {
		fmt.Fprintln(a.stdout)
		return nil
	}
	fmt.Fprintln(a.stdout, res.Text())
	return nil
}

// dropTime leaves the time out of the log lines shown without -v.
func dropTime(groups []string, at slog.Attr) slog.Attr {
	if len(groups) == 0 && at.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return at
}

// lines is the one buffered reader of stdin: chat turns and --confirm
// answers come from the same stream, so two buffers would steal each
// other's lines (a "y" read by the chat as a turn).
func (a *app) lines() *bufio.Reader {
	a.linesOnce.Do(func() { a.linesR = bufio.NewReaderSize(a.stdin, 64<<10) })
	return a.linesR
}

// newRunner builds the Runner the flags describe, with its MCP servers
// connected. release closes it (stopping stdio servers) and what the OAuth
// handlers hold.
func (a *app) newRunner(ctx context.Context, f *runFlags, extra []run.Option, clientOpts ...mistral.Option) (r *run.Runner, p *progress, release func(), err error) {
	var cleanups []func()
	release = func() {
		for _, c := range slices.Backward(cleanups) {
			c()
		}
	}
	defer func() {
		if err != nil {
			release()
		}
	}()
	logger := slog.New(slog.DiscardHandler)
	// Waiting for a rate limit (or retrying a failing API) is said even
	// without -v: a silent minute looks like a hang.
	apiLogger := slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelInfo, ReplaceAttr: dropTime}))
	if f.verbose {
		logger = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		apiLogger = logger
	}
	client, err := a.apiClient(f.serverURL, append(append(clientOpts, allowPlainHTTP(f.allowPlainHTTP)...), mistral.WithLogger(apiLogger))...)
	if err != nil {
		return nil, nil, release, err
	}
	opts := []run.Option{run.WithContinueOnError(f.continueOnError), run.WithMaxTurns(f.maxTurns), run.WithLogger(logger)}
	if f.timeout < 0 {
		return nil, nil, release, errors.New("--timeout: negative duration")
	}
	if f.timeout > 0 {
		opts = append(opts, run.WithRunTimeout(f.timeout))
	}
	if f.agent != "" {
		opts = append(opts, run.WithAgent(f.agent))
	} else {
		opts = append(opts, run.WithModel(f.model))
		if f.instructions != "" {
			opts = append(opts, run.WithInstructions(f.instructions))
		}
	}
	if f.outputSchema != "" {
		schema, err := os.ReadFile(f.outputSchema)
		if err != nil {
			return nil, nil, release, fmt.Errorf("--output-schema: %w", err)
		}
		name := strings.TrimSuffix(filepath.Base(f.outputSchema), filepath.Ext(f.outputSchema))
		name = strings.TrimSuffix(name, ".schema")
		opts = append(opts, run.WithOutputSchema(name, schema))
	}
	servers, err := a.servers(&f.servers)
	if err != nil {
		return nil, nil, release, err
	}
	elicitor, err := run.NewElicitor(a.elicit)
	if err != nil {
		return nil, nil, release, err
	}
	opts = append(opts, run.WithElicitor(elicitor))
	trustedServers := map[string]bool{} // whose read-only hints skip --confirm
	p = newProgress(a.stderr, a.terminal && !f.stream && !f.confirm)
	byName := map[string]*mcpclient.Client{}
	for _, s := range servers {
		// A server's sampling requests are answered by the run's model
		// (the --model one for agent runs, whose model the API keeps).
		copts := []mcpclient.Option{mcpclient.WithLogger(logger), mcpclient.WithElicitationHandler(elicitor.Handler(s.Name))}
		sampling, err := a.samplingOption(f, s, client)
		if err != nil {
			return nil, nil, release, err
		}
		if sampling != nil {
			copts = append(copts, sampling)
		}
		if p.on {
			copts = append(copts, mcpclient.WithProgress(p.progress))
		}
		c, done, err := a.client(ctx, &f.servers, s, copts...)
		if err != nil {
			return nil, nil, release, err
		}
		cleanups = append(cleanups, done, func() { c.Close() })
		var mo []run.MCPOption
		if f.prefixTools {
			mo = append(mo, run.Prefix(s.Name+"_")) // run makes any name a valid, unique prefix
		}
		if s.Allow != nil {
			mo = append(mo, run.Allow(s.Allow...))
		}
		if s.MaxResultBytes > 0 {
			mo = append(mo, run.MaxResultBytes(s.MaxResultBytes))
		}
		if len(s.Deny) > 0 {
			mo = append(mo, run.Deny(s.Deny...))
		}
		if f.deferCalls {
			// The --confirm rule, deferred (mcprun worker --defer
			// applies the same one).
			mo = append(mo, run.RequireConfirmationIf(serverflags.NeedsApproval(s)))
		}
		if s.Trusted {
			trustedServers[s.Name] = true
		}
		opts = append(opts, run.WithMCP(c, mo...))
		byName[s.Name] = c
	}
	if f.prompt != "" {
		text, err := promptInstructions(ctx, f, byName)
		if err != nil {
			return nil, nil, release, err
		}
		opts = append(opts, run.WithInstructions(text))
	}
	opts = append(opts, run.WithHooks(p.hooks()))
	if f.confirm {
		opts = append(opts, run.WithApproval(a.confirmer(trustedServers)))
	}
	if f.requireAll {
		opts = append(opts, run.WithAllServersRequired())
	}
	if f.maxResultBytes < 1 || f.maxResultBytes > mcpclient.MaxResultText {
		return nil, nil, release, fmt.Errorf("--max-result-bytes: want 1 to %d", mcpclient.MaxResultText)
	}
	opts = append(opts, run.WithMaxResultBytes(f.maxResultBytes))
	opts = append(opts, extra...)
	opts = append(opts, run.WithRedaction(a.secrets.Secrets()...))
	runner, err := run.New(client, opts...)
	if err != nil {
		return nil, nil, release, err
	}
	cleanups = append(cleanups, func() { runner.Close() })
	if err := runner.Connect(ctx); err != nil {
		return nil, nil, release, err
	}
	for _, se := range runner.Unavailable() {
		fmt.Fprintf(a.stderr, "mcprun: server %q did not start, running without it: %s\n", se.Server, clip(serverWhy(se), 400))
	}
	return runner, p, release, nil
}

func (a *app) streamRun(ctx context.Context, r *run.Runner, inputs mistral.Inputs, quiet bool, opts ...run.CallOption) (*run.Result, error) {
	var res *run.Result
	var refs references
	defer func() {
		if !quiet {
			refs.print(a.stdout)
		}
	}()
	for ev, err := range r.Stream(ctx, inputs, opts...) {
		if re, ok := ev.(*run.ResultEvent); ok {
			res = re.Result
		}
		if err != nil {
			return res, err
		}
		if quiet {
			continue
		}
		switch ev := ev.(type) {
		case *mistral.MessageOutputDeltaEvent:
			if ev.Content.Chunks == nil {
				fmt.Fprint(a.stdout, ev.Content.Text)
			}
			for _, ch := range ev.Content.Chunks {
				// Text may come as chunks (with citations between): the
				// text is printed, a citation as [N], listed at the end.
				switch ch := ch.(type) {
				case *mistral.TextChunk:
					fmt.Fprint(a.stdout, ch.Text)
				case *mistral.ToolReferenceChunk:
					fmt.Fprintf(a.stdout, "[%d]", refs.add(ch))
				}
			}
		case *run.ToolStartedEvent:
			fmt.Fprintf(a.stderr, "→ %s %s\n", a.shown(ev.Name), a.shown(clip(ev.Arguments, 200)))
		case *run.FunctionResultEvent:
			fmt.Fprintf(a.stderr, "← %s: %s\n", a.shown(ev.Name), a.shown(clip(ev.Result, 200)))
		case *mistral.ToolExecutionStartedEvent:
			fmt.Fprintf(a.stderr, "→ %s (built-in)\n", ev.Name)
		case *run.ConfirmationRequiredEvent:
			fmt.Fprintf(a.stderr, "? %s %s needs approval\n", a.shown(ev.Call.Name), a.shown(clip(ev.Call.Arguments, 200)))
		}
	}
	if res == nil {
		return nil, errors.New("the stream ended without a result")
	}
	return res, nil
}

func clip(s string, n int) string {
	return trunc.Cut(strings.ReplaceAll(s, "\n", " "), n, "…")
}

// printJSON prints {"conversation_id","output_entries","output_text","output"}.
func (a *app) printJSON(res *run.Result, structured bool) error {
	out := struct {
		ConversationID string          `json:"conversation_id"`
		OutputEntries  mistral.Entries `json:"output_entries"`
		OutputText     string          `json:"output_text"`
		Output         json.RawMessage `json:"output"`
	}{res.ConversationID, res.OutputEntries, res.Text(), json.RawMessage("null")}
	if out.OutputEntries == nil {
		out.OutputEntries = mistral.Entries{}
	}
	if structured {
		raw, err := run.OutputAs[json.RawMessage](res)
		if err != nil {
			return err
		}
		out.Output = raw
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// printEntries prints each output entry on a line, then the structured
// output, as the reference example does.
func (a *app) printEntries(res *run.Result) {
	for _, e := range res.OutputEntries {
		switch e := e.(type) {
		case *mistral.FunctionCallEntry:
			fmt.Fprintf(a.stdout, "  %-16s %s(%s)\n", e.EntryType(), e.Name, e.Arguments)
		case *mistral.FunctionResultEntry:
			fmt.Fprintf(a.stdout, "  %-16s %s\n", e.EntryType(), clip(e.Result, 160))
		case *mistral.MessageOutputEntry:
			text := e.Content.Text
			if e.Content.Chunks != nil {
				text = fmt.Sprintf("(%d chunks)", len(e.Content.Chunks))
			}
			fmt.Fprintf(a.stdout, "  %-16s %s\n", e.EntryType(), clip(text, 160))
		case *mistral.ToolExecutionEntry:
			fmt.Fprintf(a.stdout, "  %-16s %s\n", e.EntryType(), e.Name)
		default:
			fmt.Fprintf(a.stdout, "  %s\n", e.EntryType())
		}
	}
	if raw, err := run.OutputAs[json.RawMessage](res); err == nil {
		fmt.Fprintf(a.stdout, "structured output: %s\n", raw)
	} else {
		fmt.Fprintln(a.stdout, res.Text())
	}
}

// confirmer asks on stdin before each tool call. Calls of one turn run
// concurrently: the questions are asked one at a time. A tool's
// readOnlyHint is the server's word, which the MCP specification says not
// to trust from untrusted servers: it skips the question only for servers
// the user's config marks "trusted".
func (a *app) confirmer(trusted map[string]bool) func(context.Context, run.ToolCall) (bool, string) {
	in := a.lines()
	return func(ctx context.Context, c run.ToolCall) (bool, string) {
		if c.Annotations != nil && c.Annotations.ReadOnlyHint && trusted[c.Server] {
			return true, ""
		}
		a.promptMu.Lock()
		defer a.promptMu.Unlock()
		where := ""
		if c.Server != "" {
			where = " (" + c.Server + ")"
		}
		fmt.Fprintf(a.stderr, "Run %s%s %s? [y/N] ", terminalSafe(c.Name), terminalSafe(where), terminalSafe(clip(string(c.Arguments), 200)))
		answer, _ := in.ReadString('\n')
		switch strings.ToLower(strings.TrimSpace(answer)) {
		case "y", "yes":
			return true, ""
		}
		return false, "the user declined"
	}
}

// serverWhy says why a server did not start, its stderr's tail included,
// without repeating its name.
func serverWhy(se *mcpclient.ServerError) string {
	why := "unknown error"
	if se.Err != nil {
		why = se.Err.Error()
	}
	if s := strings.TrimSpace(se.Stderr); s != "" {
		why += " (stderr: " + s + ")"
	}
	return noControl(why)
}

// noControl makes a server's words safe for a terminal: control
// characters (escape sequences, newlines) become spaces.
func noControl(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// references are the sources a streamed answer cited, numbered in the
// order first cited.
type references struct {
	list []*mistral.ToolReferenceChunk
}

// add returns the citation's number, the same for the same source.
func (r *references) add(c *mistral.ToolReferenceChunk) int {
	for i, o := range r.list {
		if o.Title == c.Title && o.URL == c.URL {
			return i + 1
		}
	}
	r.list = append(r.list, c)
	return len(r.list)
}

// print lists the references after the answer.
func (r *references) print(w io.Writer) {
	if len(r.list) == 0 {
		return
	}
	fmt.Fprint(w, "\n\nReferences:")
	for i, c := range r.list {
		fmt.Fprintf(w, "\n[%d] %s", i+1, c.Title)
		if c.URL != "" {
			fmt.Fprintf(w, " — %s", c.URL)
		}
	}
}

// promptInstructions gets --prompt SERVER/NAME: SERVER is the longest
// configured server name that, with a "/", starts it (server names may hold
// slashes).
func promptInstructions(ctx context.Context, f *runFlags, clients map[string]*mcpclient.Client) (string, error) {
	switch {
	case f.agent != "":
		return "", errors.New("--prompt: an agent has its own instructions")
	case f.instructions != "":
		return "", errors.New("--prompt and --instructions: give one of them")
	}
	server := ""
	for name := range clients {
		if strings.HasPrefix(f.prompt, name+"/") && len(name) > len(server) {
			server = name
		}
	}
	if server == "" {
		names := slices.Sorted(maps.Keys(clients))
		return "", fmt.Errorf("--prompt %q: want SERVER/NAME, SERVER one of: %s", f.prompt, strings.Join(names, ", "))
	}
	text, err := run.PromptInstructions(ctx, clients[server], strings.TrimPrefix(f.prompt, server+"/"), nil)
	if err != nil {
		return "", fmt.Errorf("--prompt: %w", err)
	}
	return text, nil
}
