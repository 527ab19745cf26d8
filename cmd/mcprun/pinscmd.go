package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/mcpclient"
)

// Under --tool-pins strict a tool whose definition changed since it was
// pinned is refused. `mcprun pins list` shows each server's tools against
// their pins; `mcprun pins accept SERVER [TOOL...]` shows what changed and,
// once the user agreed, pins the new definitions. Both connect to the
// servers (the pins hold what was accepted, the server what is offered
// now) and save nothing else: a new tool is pinned by the next run.

// pinsCmd is `mcprun pins list|accept`.
func (a *app) pinsCmd(ctx context.Context, args []string) error {
	if len(args) > 0 && isHelpFlag(args[0]) {
		return a.groupHelp(ctx, "pins")
	}
	if len(args) == 0 || (args[0] != "list" && args[0] != "accept") {
		fmt.Fprint(a.stderr, "Usage: mcprun pins list [server flags]\n       mcprun pins accept [server flags] [--yes] SERVER [TOOL ...]\n")
		return errUsage
	}
	var sf serverFlags
	var assumeYes bool
	var fs *flag.FlagSet
	if args[0] == "list" {
		fs = a.newFlagSet("pins list", "pins list [server flags]  (each server's tools: pinned, changed or new)")
	} else {
		fs = a.newFlagSet("pins accept", "pins accept [server flags] [--yes] SERVER [TOOL ...]  (no TOOL: every changed tool of SERVER)")
		fs.BoolVar(&assumeYes, "yes", false, "accept without asking (the change is still shown); needed without a terminal")
	}
	sf.registerServers(fs)
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	sf.pinsInspect = true
	if args[0] == "list" {
		if fs.NArg() != 0 {
			fs.Usage()
			return errUsage
		}
		return a.pinsList(ctx, &sf)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	return a.pinsAccept(ctx, &sf, fs.Arg(0), fs.Args()[1:], assumeYes)
}

// pinStore is the store of --tool-pins, for the commands that read it.
func (a *app) pinStore() (*mcpclient.FilePinStore, error) {
	path := a.pinPath()
	if path == "" {
		return nil, errors.New("no tool pins: nowhere to keep them (set XDG_STATE_HOME or HOME)")
	}
	return mcpclient.NewFilePinStore(path)
}

// pinsList prints SERVER TOOL STATE for every configured server's tools.
func (a *app) pinsList(ctx context.Context, sf *serverFlags) error {
	store, err := a.pinStore()
	if err != nil {
		return err
	}
	return a.eachServer(ctx, sf, func(tw *tabwriter.Writer, s mcpconfig.Server, c *mcpclient.Client) error {
		pins, err := sf.keyedPinsOf(store, s).LoadPins(ctx, "")
		if err != nil {
			return err
		}
		tools, err := c.Tools(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		changes, err := toolChanges(ctx, c)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		type row struct{ tool, state string }
		var rows []row
		for _, t := range tools {
			state := "pinned"
			if _, ok := pins[t.OriginalName]; !ok {
				state = "new: pinned when next used"
			}
			rows = append(rows, row{t.OriginalName, state})
		}
		for _, ch := range changes {
			rows = append(rows, row{ch.Tool, fmt.Sprintf("changed (%s): refused under --tool-pins strict; see and accept it: mcprun pins accept [these server flags] %s %s", joinAnd(ch.Changed), shellWord(s.Name), shellWord(ch.Tool))})
		}
		slices.SortFunc(rows, func(x, y row) int { return strings.Compare(x.tool, y.tool) })
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", a.shown(noControl(s.Name)), a.shown(noControl(r.tool)), a.shown(r.state))
		}
		return nil
	})
}

// toolChanges are the tools a strict client refused as changed.
func toolChanges(ctx context.Context, c *mcpclient.Client) ([]*mcpclient.ToolChange, error) {
	skipped, err := c.SkippedTools(ctx)
	if err != nil {
		return nil, err
	}
	var changes []*mcpclient.ToolChange
	for _, t := range skipped {
		var ch *mcpclient.ToolChange
		if errors.As(t.Err, &ch) {
			changes = append(changes, ch)
		}
	}
	return changes, nil
}

// pinsAccept shows how the named tools of server (all its changed tools
// when none is named) changed, and pins their new definitions once the
// user agreed: on the terminal, or beforehand with --yes.
func (a *app) pinsAccept(ctx context.Context, sf *serverFlags, server string, names []string, assumeYes bool) error {
	store, err := a.pinStore()
	if err != nil {
		return err
	}
	s, c, done, err := a.oneServer(ctx, sf, server)
	if err != nil {
		return err
	}
	defer done()
	if _, err := c.Tools(ctx); err != nil { // lists, and checks the pins
		return fmt.Errorf("%s: %w", server, err)
	}
	changes, err := toolChanges(ctx, c)
	if err != nil {
		return fmt.Errorf("%s: %w", server, err)
	}
	if len(names) > 0 {
		var chosen []*mcpclient.ToolChange
		for _, name := range names {
			i := slices.IndexFunc(changes, func(ch *mcpclient.ToolChange) bool { return ch.Tool == name })
			if i < 0 {
				return fmt.Errorf("server %q: tool %q has no change to accept (it is pinned as offered, new, or not offered); nothing was accepted", server, name)
			}
			if !slices.Contains(chosen, changes[i]) {
				chosen = append(chosen, changes[i])
			}
		}
		changes = chosen
	}
	if len(changes) == 0 {
		fmt.Fprintf(a.stdout, "%s: no tool changed since it was pinned; nothing to accept\n", a.shown(noControl(server)))
		return nil
	}
	for _, ch := range changes {
		a.describeChange(a.stdout, server, ch)
	}
	var tools []string
	for _, ch := range changes {
		tools = append(tools, ch.Tool)
	}
	list := a.shown(noControl(strings.Join(tools, ", ")))
	if !assumeYes {
		if !a.interactive() {
			return fmt.Errorf("not accepted: read the change above, then run again with --yes to accept it (no terminal to ask on)")
		}
		a.promptMu.Lock()
		fmt.Fprintf(a.stderr, "Accept the new definition of %s and offer it to the model from now on? [y/N] ", list)
		answer, _ := a.lines().ReadString('\n')
		a.promptMu.Unlock()
		if !yes(answer) {
			return errors.New("not accepted: the pins are as they were")
		}
	}
	accepted := make(map[string]mcpclient.ToolPin, len(changes))
	for _, ch := range changes {
		accepted[ch.Tool] = ch.Now
	}
	if err := store.SavePins(ctx, pinKey(s), accepted); err != nil {
		return fmt.Errorf("accepting the change: %w", err)
	}
	fmt.Fprintf(a.stdout, "accepted: %s pinned as shown\n", list)
	return nil
}

// describeChange writes each changed part of a tool (description, input
// schema, annotations) as a line diff of the pinned and the offered
// definition, server text made safe for the terminal and the secrets in
// use taken out.
func (a *app) describeChange(w io.Writer, server string, ch *mcpclient.ToolChange) {
	fmt.Fprintf(w, "%s/%s: %s changed since it was pinned\n", a.shown(noControl(server)), a.shown(noControl(ch.Tool)), joinAnd(ch.Changed))
	older := ch.Pinned.AnnotationsSHA256 == "" // pinned before definitions were kept
	for _, part := range ch.Changed {
		fmt.Fprintf(w, "  %s:\n", part)
		var was, now []string
		switch part {
		case "description":
			was, now = descriptionLines(ch.Pinned), descriptionLines(ch.Now)
		case "schema":
			was, now = jsonLines(ch.Pinned.InputSchema), jsonLines(ch.Now.InputSchema)
		case "annotations":
			was, now = jsonLines(ch.Pinned.Annotations), jsonLines(ch.Now.Annotations)
		}
		if older {
			fmt.Fprintln(w, "    (the pin was recorded by an earlier mcprun, which kept only a hash of it; now:)")
			was = nil
		}
		for _, l := range lineDiff(was, now, 3) {
			fmt.Fprintf(w, "    %s\n", a.shown(l))
		}
	}
}

func descriptionLines(p mcpclient.ToolPin) []string {
	var lines []string
	if p.Title != "" {
		lines = append(lines, "title: "+p.Title)
	}
	return append(lines, strings.Split(p.Description, "\n")...)
}
