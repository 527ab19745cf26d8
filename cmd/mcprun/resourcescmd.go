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
