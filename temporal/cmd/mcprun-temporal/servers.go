package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/internal/serverflags"
	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// serverFlags name a worker's MCP servers, as mcprun's do.
type serverFlags struct {
	serverflags.Flags // --stdio, --sse, --http
	config            string
	callTimeout       time.Duration
	deferCalls        bool // --defer: calls that need approval wait in their run
	sampling          samplingFlags
}

func (f *serverFlags) register(fs *flag.FlagSet) {
	f.Flags.Register(fs, "started once per worker")
	fs.StringVar(&f.config, "config", "", "an MCP servers `FILE`, as mcprun run reads it")
	fs.DurationVar(&f.callTimeout, "tool-timeout", 60*time.Second, "bound on each MCP tool call")
	fs.BoolVar(&f.deferCalls, "defer", false, "tool calls that need approval ("+serverflags.DeferRule+") wait in their run, nothing executed, until `mcprun approve ID` answers them")
	fs.BoolVar(&f.sampling.allowRemote, "allow-sampling", false, "let remote servers ask the model for completions (sampling) too, within each server's budget; stdio servers may by default")
	fs.StringVar(&f.sampling.model, "sampling-model", "mistral-medium-latest", "the `MODEL` that answers servers' sampling requests")
	fs.DurationVar(&f.sampling.window, "sampling-window", time.Hour, "each server's sampling budget (10 requests, 20000 tokens, or its config's \"sampling\") holds per this `DURATION`")
}

// runOptions makes the MCP clients. closeAll closes them (for a failure
// before a Runner owns them).
// sampler answers servers' sampling requests (nil: none may sample).
func (f *serverFlags) runOptions(getenv func(string) string, sampler *mistral.Client) (opts []run.Option, closeAll func(), err error) {
	var configured []mcpconfig.Server
	if f.config != "" {
		file, err := mcpconfig.Load(f.config, mcpconfig.Options{Getenv: getenv, Home: getenv("HOME")})
		if err != nil {
			return nil, nil, err
		}
		configured = file.Servers
	}
	servers, err := f.Servers(configured, getenv)
	if err != nil {
		return nil, nil, err
	}
	var clients []*mcpclient.Client
	closeAll = func() {
		for _, c := range clients {
			c.Close()
		}
	}
	for _, s := range servers {
		copts := serverflags.Options(s, f.callTimeout)
		sampling, err := f.sampling.samplingOption(s, sampler)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		if sampling != nil {
			copts = append(copts, sampling)
		}
		c, err := serverflags.New(s, serverflags.Stdio{}, copts...)
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("server %q: %w", s.Name, err)
		}
		clients = append(clients, c)
		var mopts []run.MCPOption
		if len(s.Allow) > 0 {
			mopts = append(mopts, run.Allow(s.Allow...))
		}
		if len(s.Deny) > 0 {
			mopts = append(mopts, run.Deny(s.Deny...))
		}
		if f.deferCalls {
			// mcprun run --defer's rule: the run defers such calls, and
			// the workflow waits for its approval Update.
			mopts = append(mopts, run.RequireConfirmationIf(serverflags.NeedsApproval(s)))
		}
		opts = append(opts, run.WithMCP(c, mopts...))
	}
	return opts, closeAll, nil
}
