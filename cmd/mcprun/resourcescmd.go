package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/mcpclient"
)

// resourcesCmd lists every server's resources, or reads one.
func (a *app) resourcesCmd(ctx context.Context, args []string) error {
	var sf serverFlags
	fs := a.newFlagSet("resources", "resources [flags] [SERVER URI]  (no SERVER URI: list them)")
	sf.register(fs)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) != 0 && len(rest) != 2 {
		fs.Usage()
		return errUsage
	}
	if len(rest) == 2 {
		_, c, done, err := a.oneServer(ctx, &sf, rest[0])
		if err != nil {
			return err
		}
		defer done()
		res, err := c.ReadResource(ctx, rest[1])
		if err != nil {
			return err
		}
		for _, rc := range res.Contents {
			if rc.Blob != nil {
				fmt.Fprintf(a.stdout, "[%s: %s, %d bytes]\n", rc.URI, orUnknownType(rc.MIMEType), len(rc.Blob))
				continue
			}
			fmt.Fprintln(a.stdout, rc.Text)
		}
		return nil
	}
	return a.eachServer(ctx, &sf, func(tw *tabwriter.Writer, s mcpconfig.Server, c *mcpclient.Client) error {
		list, err := c.Resources(ctx)
		if notOffered(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		for _, r := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, noControl(r.URI), noControl(cmp.Or(r.Title, r.Name)), noControl(firstLine(r.Description)))
		}
		return nil
	})
}

// promptsCmd lists every server's prompts, or gets one.
func (a *app) promptsCmd(ctx context.Context, args []string) error {
	var sf serverFlags
	fs := a.newFlagSet("prompts", "prompts [flags] [SERVER NAME [ARG=VALUE ...]]  (no SERVER NAME: list them)")
	sf.register(fs)
	if err := a.parse(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) == 1 {
		fs.Usage()
		return errUsage
	}
	if len(rest) >= 2 {
		promptArgs, err := keyValues(rest[2:])
		if err != nil {
			return err
		}
		_, c, done, err := a.oneServer(ctx, &sf, rest[0])
		if err != nil {
			return err
		}
		defer done()
		res, err := c.GetPrompt(ctx, rest[1], promptArgs)
		if err != nil {
			return err
		}
		for _, m := range res.Messages {
			fmt.Fprintf(a.stdout, "%s: %s\n", m.Role, contentText(m.Content))
		}
		return nil
	}
	return a.eachServer(ctx, &sf, func(tw *tabwriter.Writer, s mcpconfig.Server, c *mcpclient.Client) error {
		list, err := c.Prompts(ctx)
		if notOffered(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
		for _, p := range list {
			var params []string
			for _, arg := range p.Arguments {
				n := arg.Name
				if !arg.Required {
					n = "[" + n + "]"
				}
				params = append(params, n)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, noControl(p.Name), noControl(strings.Join(params, " ")), noControl(firstLine(p.Description)))
		}
		return nil
	})
}

// notOffered reports a server without the feature (method not found).
func notOffered(err error) bool {
	var rpcErr *jsonrpc.Error
	return errors.As(err, &rpcErr) && rpcErr.Code == jsonrpc.CodeMethodNotFound
}

// keyValues reads ARG=VALUE words.
func keyValues(words []string) (map[string]string, error) {
	m := map[string]string{}
	for _, w := range words {
		k, v, ok := strings.Cut(w, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("prompt argument %q: want NAME=VALUE", w)
		}
		m[k] = v
	}
	return m, nil
}

// contentText is a prompt message's content as text.
func contentText(c mcp.Content) string {
	switch c := c.(type) {
	case *mcp.TextContent:
		return c.Text
	case *mcp.ImageContent:
		return fmt.Sprintf("[image: %s, %d bytes]", orUnknownType(c.MIMEType), len(c.Data))
	case *mcp.AudioContent:
		return fmt.Sprintf("[audio: %s, %d bytes]", orUnknownType(c.MIMEType), len(c.Data))
	case *mcp.EmbeddedResource:
		if c.Resource != nil && c.Resource.Blob == nil {
			return "[resource: " + c.Resource.URI + "]\n" + c.Resource.Text
		}
	}
	return fmt.Sprintf("[%T]", c)
}

func orUnknownType(mime string) string {
	if mime == "" {
		return "unknown type"
	}
	return mime
}

// oneServer connects the configured server named name; done closes it.
func (a *app) oneServer(ctx context.Context, sf *serverFlags, name string) (mcpconfig.Server, *mcpclient.Client, func(), error) {
	servers, err := a.servers(sf)
	if err != nil {
		return mcpconfig.Server{}, nil, nil, err
	}
	var names []string
	for _, s := range servers {
		names = append(names, s.Name)
		if s.Name != name {
			continue
		}
		c, done, err := a.client(ctx, sf, s)
		if err != nil {
			return mcpconfig.Server{}, nil, nil, err
		}
		closeAll := func() { c.Close(); done() }
		if err := c.Connect(ctx); err != nil {
			closeAll()
			return mcpconfig.Server{}, nil, nil, err
		}
		return s, c, closeAll, nil
	}
	return mcpconfig.Server{}, nil, nil, fmt.Errorf("no server named %q (configured: %s)", name, strings.Join(names, ", "))
}

// eachServer connects every configured server and calls list for each
// (in order) with one table for all.
func (a *app) eachServer(ctx context.Context, sf *serverFlags, list func(*tabwriter.Writer, mcpconfig.Server, *mcpclient.Client) error) error {
	servers, err := a.servers(sf)
	if err != nil {
		return err
	}
	if len(servers) == 0 {
		return errors.New("no MCP servers: give --stdio, --sse, --http or --config (or write ./mcprun.json)")
	}
	clients := make([]*mcpclient.Client, len(servers))
	for i, s := range servers {
		c, done, err := a.client(ctx, sf, s)
		if err != nil {
			return err
		}
		defer done()
		defer c.Close()
		clients[i] = c
	}
	down, err := connectEach(ctx, clients)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for i, c := range clients {
		if se := down[i]; se != nil {
			fmt.Fprintf(a.stderr, "mcprun: server %q did not start: %s\n", servers[i].Name, clip(serverWhy(se), 400))
			continue
		}
		if err := list(tw, servers[i], c); err != nil {
			return err
		}
	}
	return tw.Flush()
}
