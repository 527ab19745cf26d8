package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/mcprun/mcprun/mistral"
)

// agentsCmd creates or lists agents.
func (a *app) agentsCmd(ctx context.Context, args []string) error {
	if len(args) > 0 && isHelpFlag(args[0]) {
		return a.groupHelp(ctx, "agents")
	}
	if len(args) == 0 || (args[0] != "create" && args[0] != "list") {
		fmt.Fprint(a.stderr, "Usage: mcprun agents create --name NAME [--model MODEL] [--instructions TEXT] [--description TEXT]\n       mcprun agents list [--page-size N] [--page TOKEN | --all]\n")
		return errUsage
	}
	var serverURL string
	var plainHTTP bool
	switch args[0] {
	case "create":
		fs := a.newFlagSet("agents create", "agents create [flags]")
		var req mistral.CreateAgentRequest
		fs.StringVar(&req.Name, "name", "", "the agent's `NAME` (required)")
		fs.StringVar(&req.Model, "model", "mistral-medium-latest", "the agent's `MODEL`")
		fs.StringVar(&req.Instructions, "instructions", "", "the agent's instructions")
		fs.StringVar(&req.Description, "description", "", "the agent's description")
		fs.StringVar(&serverURL, "server-url", "", "the Mistral API base `URL`")
		fs.BoolVar(&plainHTTP, "allow-plain-http", false, allowPlainHTTPUsage)
		if err := a.parse(fs, args[1:]); err != nil {
			return err
		}
		if req.Name == "" {
			fs.Usage()
			return errUsage
		}
		c, err := a.apiClient(serverURL, allowPlainHTTP(plainHTTP)...)
		if err != nil {
			return err
		}
		agent, err := c.CreateAgent(ctx, &req)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, agent.ID)
		return nil
	default:
		fs := a.newFlagSet("agents list", "agents list [flags]")
		fs.StringVar(&serverURL, "server-url", "", "the Mistral API base `URL`")
		fs.BoolVar(&plainHTTP, "allow-plain-http", false, allowPlainHTTPUsage)
		pageSize := fs.Int("page-size", 20, "agents per page (1 to 1000)")
		page := fs.String("page", "", "the page to list: the `TOKEN` a previous page printed (default: the first)")
		all := fs.Bool("all", false, "list every page")
		if err := a.parse(fs, args[1:]); err != nil {
			return err
		}
		if *pageSize < 1 || *pageSize > 1000 {
			return fmt.Errorf("--page-size %d: want 1 to 1000", *pageSize)
		}
		c, err := a.apiClient(serverURL, allowPlainHTTP(plainHTTP)...)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tMODEL\tTOOLS")
		p := &mistral.ListAgentsPageParams{PageSize: *pageSize, PageToken: *page}
		for {
			res, err := c.ListAgentsPage(ctx, p)
			if err != nil {
				return err
			}
			for _, ag := range res.Agents {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\n", ag.ID, ag.Name, ag.Model, len(ag.Tools))
			}
			if res.NextPageToken == "" || res.NextPageToken == p.PageToken {
				return tw.Flush()
			}
			if !*all {
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintf(a.stderr, "more: mcprun agents list --page-size %d --page %s (or --all)\n", *pageSize, res.NextPageToken)
				return nil
			}
			p.PageToken = res.NextPageToken
		}
	}
}

// allowPlainHTTPUsage documents --allow-plain-http.
const allowPlainHTTPUsage = "allow a plain-http API base URL on a host other than loopback (the API key travels in clear)"

// allowPlainHTTP is the client option --allow-plain-http asks for.
func allowPlainHTTP(allow bool) []mistral.Option {
	if allow {
		return []mistral.Option{mistral.AllowPlainHTTP()}
	}
	return nil
}
