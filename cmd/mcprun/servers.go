package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mcpclient/oauth"
)

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// serverFlags are the flags that name MCP servers.
type serverFlags struct {
	stdio, sse, http listFlag
	config           string
	configFormat     string
	inputs           listFlag
	callTimeout      time.Duration
	shutdownGrace    time.Duration
	toolPins         string              // --tool-pins: warn, strict or off
	pinsInspect      bool                // mcprun pins: strict, silent, and nothing saved
	dropped          []mcpconfig.Dropped // the config file's entries that will not start
}

func (f *serverFlags) register(fs *flag.FlagSet) {
	f.registerServers(fs)
	fs.StringVar(&f.toolPins, "tool-pins", "warn", "`MODE` for tools whose description, schema or annotations changed since first used (pinned in $XDG_STATE_HOME/mcprun/tool-pins.json): warn (and pin the new one), strict (refuse the tool until the change is accepted with mcprun pins accept), off")
}

// registerServers registers the flags that name and run servers, without
// --tool-pins (`mcprun pins` reads the pins whatever the mode).
func (f *serverFlags) registerServers(fs *flag.FlagSet) {
	fs.Var(&f.stdio, "stdio", "a stdio MCP server: `\"CMD ARGS\"`, split as a shell splits words (no shell is run); repeatable")
	fs.Var(&f.sse, "sse", "a remote MCP server on HTTP+SSE at `URL`; repeatable")
	fs.Var(&f.http, "http", "a remote MCP server on Streamable HTTP at `URL`; repeatable")
	fs.StringVar(&f.config, "config", "", "an MCP servers `FILE` as Claude Desktop/Code, Cursor, Cline, Windsurf, VS Code, Gemini CLI, Zed (JSON), Codex (TOML), Goose or Continue (YAML) write it; default ./mcprun.json if present")
	fs.StringVar(&f.configFormat, "config-format", "", "read --config as this `FORMAT` instead of guessing from its name and shape ("+formatList()+")")
	fs.Var(&f.inputs, "input", "a VS Code input's value, `ID=VALUE` (asked on a terminal otherwise); repeatable")
	fs.DurationVar(&f.callTimeout, "tool-timeout", 60*time.Second, "bound on each MCP tool call")
	fs.DurationVar(&f.shutdownGrace, "shutdown-grace", 2*time.Second, "at exit, how long a stdio server gets after its stdin closes, and again after SIGTERM, before it is killed")
}

// servers returns the configured servers: the config file's, then the flags'.
func (a *app) servers(f *serverFlags) ([]mcpconfig.Server, error) {
	getenv := a.getenv
	path, isDefault := f.config, false
	if path == "" {
		path, isDefault = "mcprun.json", true
		// Bounded: remembering a trust waits for the list's lock.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := a.checkTrust(ctx, path, f)
		cancel()
		if err != nil {
			return nil, err
		}
	}
	file, err := a.loadConfig(path, isDefault, f)
	if err != nil {
		return nil, err
	}
	out := file.Servers
	f.dropped = file.Dropped
	for _, s := range f.stdio {
		words, err := splitWords(s, getenv)
		if err != nil {
			return nil, fmt.Errorf("--stdio %q: %w", s, err)
		}
		if len(words) == 0 {
			return nil, fmt.Errorf("--stdio: empty command")
		}
		out = append(out, mcpconfig.Server{Name: filepath.Base(words[0]), Transport: mcpconfig.Stdio, Command: words[0], Args: words[1:]})
	}
	for _, u := range f.sse {
		out = append(out, mcpconfig.Server{Name: hostName(u), Transport: mcpconfig.SSE, URL: u})
	}
	for _, u := range f.http {
		out = append(out, mcpconfig.Server{Name: hostName(u), Transport: mcpconfig.HTTP, URL: u})
	}
	for _, s := range out {
		a.rememberSecrets(s)
	}
	// Names must be unique: they pick a server in `mcprun call`.
	seen := map[string]int{}
	for i := range out {
		seen[out[i].Name]++
		if n := seen[out[i].Name]; n > 1 {
			out[i].Name = fmt.Sprintf("%s-%d", out[i].Name, n)
		}
	}
	return out, nil
}

func hostName(u string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	return s
}

// defaultMaxTotalTimeout caps a tool call that progress keeps alive
// (a config entry's resetTimeoutOnProgress) when the entry gives no
// maxTotalTimeout.
const defaultMaxTotalTimeout = 10 * time.Minute

// client makes the mcpclient for a configured server. A remote server
// without an Authorization header gets an OAuth handler backed by the token
// store (`mcprun auth login` fills it; a 401 logs in through the browser).
// done releases what the handler holds; call it after closing the client.
func (a *app) client(ctx context.Context, f *serverFlags, s mcpconfig.Server, opts ...mcpclient.Option) (c *mcpclient.Client, done func(), err error) {
	kind := s.Transport
	done = func() {}
	timeout := f.callTimeout
	if s.Timeout > 0 {
		timeout = s.Timeout
	}
	opts = append([]mcpclient.Option{mcpclient.WithName(s.Name), mcpclient.WithCallTimeout(timeout)}, opts...)
	if s.StartupTimeout > 0 {
		opts = append(opts, mcpclient.WithConnectTimeout(s.StartupTimeout))
	}
	pins, err := a.pinOptions(f, s)
	if err != nil {
		return nil, nil, err
	}
	opts = append(opts, pins...)
	if s.ResetTimeoutOnProgress {
		limit := s.MaxTotalTimeout
		if limit == 0 {
			limit = max(defaultMaxTotalTimeout, timeout)
		}
		opts = append(opts, mcpclient.WithResetTimeoutOnProgress(limit))
	}
	if kind != mcpconfig.Stdio && s.OAuth != nil {
		h, err := clientCredentialsHandler(s)
		if err != nil {
			return nil, nil, err
		}
		opts = append(opts, mcpclient.WithOAuthHandler(h)) // both transports
	} else if kind != mcpconfig.Stdio && !hasAuthHeader(s.Headers) {
		h, release, err := a.oauthFor(ctx, s.URL, nil)
		if err != nil {
			return nil, nil, err
		}
		done = release
		opts = append(opts, mcpclient.WithOAuthHandler(h)) // both transports
		if a.terminal {
			opts = append(opts, mcpclient.WithConnectTimeout(loginTimeout)) // a person may be logging in
		}
	}
	c, err = f.newClient(a.self, kind, s, opts)
	if err != nil {
		done()
		return nil, nil, fmt.Errorf("server %q: %w", s.Name, err)
	}
	return c, done, nil
}

func hasAuthHeader(h map[string]string) bool {
	for k := range h {
		if strings.EqualFold(k, "Authorization") {
			return true
		}
	}
	return false
}

// newClient makes the client; a bare url (Auto), headers or not (Cursor
// writes SSE servers so), is tried as Streamable HTTP, then SSE.
func (f *serverFlags) newClient(self string, kind mcpconfig.Transport, s mcpconfig.Server, opts []mcpclient.Option) (*mcpclient.Client, error) {
	if kind == mcpconfig.Stdio {
		opts = append(opts, mcpclient.WithEnv(s.Env))
		if s.InheritEnv {
			opts = append(opts, mcpclient.WithInheritEnv())
		}
		if s.Cwd != "" {
			opts = append(opts, mcpclient.WithDir(s.Cwd))
		}
		if f.shutdownGrace > 0 {
			opts = append(opts, mcpclient.WithTerminateTimeout(f.shutdownGrace))
		}
		command, args := supervised(self, s.Command, s.Args)
		return mcpclient.NewStdio(command, args, opts...)
	}
	switch kind {
	case mcpconfig.SSE:
		opts = append(opts, mcpclient.WithHTTPTransport(mcpclient.SSE))
	case mcpconfig.HTTP:
		opts = append(opts, mcpclient.WithHTTPTransport(mcpclient.Streamable))
	}
	if len(s.Headers) > 0 {
		opts = append(opts, mcpclient.WithHeaders(s.Headers))
	}
	return mcpclient.NewHTTP(s.URL, opts...)
}

// clientCredentialsHandler authenticates a server with the client
// credentials grant its config entry gives.
func clientCredentialsHandler(s mcpconfig.Server) (*oauth.ClientCredentialsHandler, error) {
	o := s.OAuth
	var opts []oauth.Option
	if o.ClientSecret != "" {
		opts = append(opts, oauth.WithClientSecret(o.ClientSecret))
	}
	if len(o.Scopes) > 0 {
		opts = append(opts, oauth.WithScopes(o.Scopes...))
	}
	if o.PrivateKeyFile != "" {
		key, err := os.ReadFile(o.PrivateKeyFile)
		if err != nil {
			return nil, fmt.Errorf("server %q: oauth private key: %w", s.Name, err)
		}
		opts = append(opts, oauth.WithPrivateKey(key))
	}
	h, err := oauth.NewClientCredentialsHandler(s.URL, o.ClientID, opts...)
	if err != nil {
		return nil, fmt.Errorf("server %q: %w", s.Name, err)
	}
	return h, nil
}

func formatList() string {
	names := make([]string, len(mcpconfig.Formats))
	for i, f := range mcpconfig.Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}
