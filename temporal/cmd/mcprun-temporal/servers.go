package main

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"mvdan.cc/sh/v3/shell"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// serverFlags name a worker's MCP servers, as mcprun's do.
type serverFlags struct {
	stdio, sse, http listFlag
	config           string
	callTimeout      time.Duration
	sampling         samplingFlags
}

func (f *serverFlags) register(fs *flag.FlagSet) {
	fs.Var(&f.stdio, "stdio", "a stdio MCP server: `\"CMD ARGS\"`, split as a shell splits words (no shell is run); started once per worker; repeatable")
	fs.Var(&f.sse, "sse", "a remote MCP server on HTTP+SSE at `URL`; repeatable")
	fs.Var(&f.http, "http", "a remote MCP server on Streamable HTTP at `URL`; repeatable")
	fs.StringVar(&f.config, "config", "", "an MCP servers `FILE`, as mcprun run reads it")
	fs.DurationVar(&f.callTimeout, "tool-timeout", 60*time.Second, "bound on each MCP tool call")
	fs.BoolVar(&f.sampling.allowRemote, "allow-sampling", false, "let remote servers ask the model for completions (sampling) too, within each server's budget; stdio servers may by default")
	fs.StringVar(&f.sampling.model, "sampling-model", "mistral-medium-latest", "the `MODEL` that answers servers' sampling requests")
	fs.DurationVar(&f.sampling.window, "sampling-window", time.Hour, "each server's sampling budget (10 requests, 20000 tokens, or its config's \"sampling\") holds per this `DURATION`")
}

// runOptions makes the MCP clients. closeAll closes them (for a failure
// before a Runner owns them).
// sampler answers servers' sampling requests (nil: none may sample).
func (f *serverFlags) runOptions(getenv func(string) string, sampler *mistral.Client) (opts []run.Option, closeAll func(), err error) {
	var servers []mcpconfig.Server
	if f.config != "" {
		file, err := mcpconfig.Load(f.config, mcpconfig.Options{Getenv: getenv, Home: getenv("HOME")})
		if err != nil {
			return nil, nil, err
		}
		servers = append(servers, file.Servers...)
	}
	for _, s := range f.stdio {
		words, err := fields(s, getenv)
		if err != nil {
			return nil, nil, fmt.Errorf("--stdio %q: %w", s, err)
		}
		if len(words) == 0 {
			return nil, nil, fmt.Errorf("--stdio: empty command")
		}
		servers = append(servers, mcpconfig.Server{Name: filepath.Base(words[0]), Transport: mcpconfig.Stdio, Command: words[0], Args: words[1:]})
	}
	for _, u := range f.sse {
		servers = append(servers, mcpconfig.Server{Name: u, Transport: mcpconfig.SSE, URL: u})
	}
	for _, u := range f.http {
		servers = append(servers, mcpconfig.Server{Name: u, Transport: mcpconfig.HTTP, URL: u})
	}
	var clients []*mcpclient.Client
	closeAll = func() {
		for _, c := range clients {
			c.Close()
		}
	}
	for _, s := range servers {
		copts := []mcpclient.Option{mcpclient.WithName(s.Name), mcpclient.WithCallTimeout(f.callTimeout)}
		sampling, err := f.sampling.samplingOption(s, sampler)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		if sampling != nil {
			copts = append(copts, sampling)
		}
		var c *mcpclient.Client
		switch s.Transport {
		case mcpconfig.Stdio:
			copts = append(copts, mcpclient.WithEnv(s.Env))
			if s.Cwd != "" {
				copts = append(copts, mcpclient.WithDir(s.Cwd))
			}
			c, err = mcpclient.NewStdio(s.Command, s.Args, copts...)
		default:
			switch s.Transport {
			case mcpconfig.SSE:
				copts = append(copts, mcpclient.WithHTTPTransport(mcpclient.SSE))
			case mcpconfig.HTTP:
				copts = append(copts, mcpclient.WithHTTPTransport(mcpclient.Streamable))
			}
			if len(s.Headers) > 0 {
				copts = append(copts, mcpclient.WithHeaders(s.Headers))
			}
			c, err = mcpclient.NewHTTP(s.URL, copts...)
		}
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
		opts = append(opts, run.WithMCP(c, mopts...))
	}
	return opts, closeAll, nil
}

func fields(s string, getenv func(string) string) (words []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			words, err = nil, fmt.Errorf("shell syntax that is not plain words; no shell is run")
		}
	}()
	return shell.Fields(s, getenv)
}
