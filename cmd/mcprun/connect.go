package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/mcpclient"
)

// The commands that look at servers (tools, call, resources, prompts,
// pins) connect them the same way: one by name, or all at once.

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
	servers, clients, down, closeAll, err := a.connectAll(ctx, sf)
	if err != nil {
		return err
	}
	defer closeAll()
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

// connectAll makes a client for every configured server and connects them
// all at once; down[i] says why servers[i] did not start (nil if it did).
// It fails when there is no server (saying why the config file's entries
// will not start, if it has some) or none started. closeAll closes the
// clients and releases what their logins hold.
func (a *app) connectAll(ctx context.Context, sf *serverFlags) (servers []mcpconfig.Server, clients []*mcpclient.Client, down []*mcpclient.ServerError, closeAll func(), err error) {
	servers, err = a.servers(sf)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if len(servers) == 0 && len(sf.dropped) > 0 {
		return nil, nil, nil, nil, fmt.Errorf("no MCP server to start: %s", droppedText(sf.dropped))
	}
	if len(servers) == 0 {
		return nil, nil, nil, nil, errors.New("no MCP servers: give --stdio, --sse, --http or --config (or write ./mcprun.json)")
	}
	var release []func()
	closeAll = func() {
		for _, f := range slices.Backward(release) {
			f()
		}
	}
	for _, s := range servers {
		c, done, err := a.client(ctx, sf, s)
		if err != nil {
			closeAll()
			return nil, nil, nil, nil, err
		}
		release = append(release, done, func() { c.Close() })
		clients = append(clients, c)
	}
	down, err = connectEach(ctx, clients)
	if err != nil {
		closeAll()
		return nil, nil, nil, nil, err
	}
	return servers, clients, down, closeAll, nil
}

// connectEach connects the clients concurrently; down holds the error of
// each that did not start (nil for the others). It fails only when none
// started, as a run does.
func connectEach(ctx context.Context, clients []*mcpclient.Client) (down []*mcpclient.ServerError, err error) {
	down = make([]*mcpclient.ServerError, len(clients))
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			if err := c.Connect(ctx); err != nil {
				var se *mcpclient.ServerError
				if !errors.As(err, &se) {
					se = &mcpclient.ServerError{Server: c.Name(), Op: "connect", Err: err}
				}
				down[i] = se
			}
		})
	}
	wg.Wait()
	var errs []error
	for _, se := range down {
		if se != nil {
			errs = append(errs, se)
		}
	}
	if len(errs) == len(clients) && len(clients) > 0 {
		return nil, errors.Join(errs...)
	}
	return down, nil
}
