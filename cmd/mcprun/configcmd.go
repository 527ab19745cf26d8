package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/mcprun/mcprun/internal/mcpconfig"
)

// configCmd is `mcprun config check FILE`: what the file would start, and
// what it leaves out, without starting anything. Env and header values are
// not shown (they hold secrets); their names are.
func (a *app) configCmd(ctx context.Context, args []string) error {
	if len(args) > 0 && isHelpFlag(args[0]) {
		return a.groupHelp(ctx, "config")
	}
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprint(a.stderr, "Usage: mcprun config check [--config-format FORMAT] [--input ID=VALUE] FILE\n")
		return errUsage
	}
	var sf serverFlags
	fs := a.newFlagSet("config check", "config check [flags] FILE")
	fs.StringVar(&sf.configFormat, "config-format", "", "read FILE as this `FORMAT` ("+formatList()+")")
	fs.Var(&sf.inputs, "input", "a VS Code input's value, `ID=VALUE`; repeatable")
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	file, err := a.loadConfig(fs.Arg(0), false, &sf)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: %s format, %d server(s) to start\n", file.Path, file.Format, len(file.Servers))
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for _, s := range file.Servers {
		var what []string
		if s.Transport == mcpconfig.Stdio {
			what = append(what, strings.Join(append([]string{s.Command}, s.Args...), " "))
			if s.Cwd != "" {
				what = append(what, "in "+s.Cwd)
			}
		} else {
			what = append(what, s.URL)
		}
		if len(s.Env) > 0 {
			what = append(what, "env "+strings.Join(sortedKeys(s.Env), ","))
		}
		if len(s.Headers) > 0 {
			what = append(what, "headers "+strings.Join(sortedKeys(s.Headers), ","))
		}
		if s.OAuth != nil {
			what = append(what, "oauth client "+s.OAuth.ClientID)
		}
		if s.Timeout > 0 {
			what = append(what, "timeout "+s.Timeout.String())
		}
		if s.StartupTimeout > 0 {
			what = append(what, "startup timeout "+s.StartupTimeout.String())
		}
		if s.Allow != nil {
			what = append(what, "only tools "+strings.Join(s.Allow, ","))
		}
		if len(s.Deny) > 0 {
			what = append(what, "not tools "+strings.Join(s.Deny, ","))
		}
		a.rememberSecrets(s)
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.shown(s.Name), transportName(s.Transport), a.shown(strings.Join(what, "; ")))
	}
	for _, d := range file.Dropped {
		fmt.Fprintf(tw, "  %s\tnot started\t%s\n", d.Name, d.Reason)
	}
	return tw.Flush()
}

func transportName(t mcpconfig.Transport) string {
	if t == mcpconfig.Auto {
		return "http|sse"
	}
	return string(t)
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
