package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/mcpclient"
)

// toolsCmd lists every configured server's tools.
func (a *app) toolsCmd(ctx context.Context, args []string) error {
	var sf serverFlags
	fs := a.newFlagSet("tools", "tools [flags]")
	sf.register(fs)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	servers, clients, down, closeAll, err := a.connectAll(ctx, &sf)
	if err != nil {
		return err
	}
	defer closeAll()
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	var left []string // what is not offered, and why, after the list
	for i, c := range clients {
		s := servers[i]
		if se := down[i]; se != nil {
			left = append(left, fmt.Sprintf("%s\t-\tdid not start: %s", s.Name, clip(serverWhy(se), 300)))
			continue
		}
		tools, err := c.Tools(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		for _, t := range tools {
			if why := configHides(s, t); why != "" {
				left = append(left, fmt.Sprintf("%s\t%s\t%s", s.Name, t.Name, why))
				continue
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", terminalSafe(s.Name), terminalSafe(t.Name), terminalSafe(firstLine(t.Description)))
		}
		skipped, err := c.SkippedTools(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		for _, t := range skipped {
			left = append(left, fmt.Sprintf("%s\t%s\tdropped: %s", s.Name, t.Name, oneLine(t.Err.Error())))
		}
	}
	for _, d := range sf.dropped {
		left = append(left, fmt.Sprintf("%s\t-\tnot started: %s", d.Name, d.Reason))
	}
	if len(left) > 0 {
		fmt.Fprintln(tw, "\nNot offered to the model:")
		for _, l := range left {
			fmt.Fprintln(tw, l)
		}
	}
	return tw.Flush()
}

// configHides says why the config file hides a tool (its allow or deny
// list), or "".
func configHides(s mcpconfig.Server, t mcpclient.Tool) string {
	if slices.Contains(s.Deny, t.OriginalName) || slices.Contains(s.Deny, t.Name) {
		return "hidden by the config file's deny list"
	}
	if s.Allow != nil && !slices.Contains(s.Allow, t.OriginalName) && !slices.Contains(s.Allow, t.Name) {
		return "not in the config file's allow list"
	}
	return ""
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// callCmd calls one tool of one server and prints what a model would read.
func (a *app) callCmd(ctx context.Context, args []string) error {
	var sf serverFlags
	fs := a.newFlagSet("call", "call [flags] SERVER TOOL [JSON]")
	sf.register(fs)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) < 2 || len(rest) > 3 {
		fs.Usage()
		return errUsage
	}
	argJSON := "{}"
	if len(rest) == 3 {
		argJSON = rest[2]
	}
	if !json.Valid([]byte(argJSON)) {
		return fmt.Errorf("arguments are not valid JSON: %s", clip(argJSON, 80))
	}
	_, c, done, err := a.oneServer(ctx, &sf, rest[0])
	if err != nil {
		return err
	}
	defer done()
	res, err := c.CallTool(ctx, rest[1], json.RawMessage(argJSON))
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, terminalSafe(res.Text))
	if res.IsError {
		return fmt.Errorf("tool %s returned an error", rest[1])
	}
	return nil
}

func droppedText(ds []mcpconfig.Dropped) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.Name + " (" + d.Reason + ")"
	}
	return strings.Join(parts, ", ")
}
