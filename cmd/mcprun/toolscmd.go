package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

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
	servers, err := sf.servers(a.getenv)
	if err != nil {
		return err
	}
	if len(servers) == 0 {
		return errors.New("no MCP servers: give --stdio, --sse, --http or --config (or write ./mcprun.json)")
	}
	clients := make([]*mcpclient.Client, len(servers))
	for i, s := range servers {
		c, done, err := a.client(ctx, &sf, s)
		if err != nil {
			return err
		}
		defer done()
		defer c.Close()
		clients[i] = c
	}
	if err := mcpclient.ConnectAll(ctx, clients...); err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for i, c := range clients {
		tools, err := c.Tools(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", servers[i].Name, err)
		}
		for _, t := range tools {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", servers[i].Name, t.Name, firstLine(t.Description))
		}
	}
	return tw.Flush()
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
	servers, err := sf.servers(a.getenv)
	if err != nil {
		return err
	}
	var names []string
	for _, s := range servers {
		names = append(names, s.Name)
		if s.Name != rest[0] {
			continue
		}
		c, done, err := a.client(ctx, &sf, s)
		if err != nil {
			return err
		}
		defer done()
		defer c.Close()
		if err := c.Connect(ctx); err != nil {
			return err
		}
		res, err := c.CallTool(ctx, rest[1], json.RawMessage(argJSON))
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, res.Text)
		if res.IsError {
			return fmt.Errorf("tool %s returned an error", rest[1])
		}
		return nil
	}
	return fmt.Errorf("no server named %q (configured: %s)", rest[0], strings.Join(names, ", "))
}
