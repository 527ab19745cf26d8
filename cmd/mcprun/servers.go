package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/internal/serverflags"
	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mcpclient/oauth"
)

// serverFlags are the flags that name MCP servers.
type serverFlags struct {
	serverflags.Flags // --stdio, --sse, --http
	config            string
	configFormat      string
	inputs            serverflags.List
	callTimeout       time.Duration
	shutdownGrace     time.Duration
	toolPins          string              // --tool-pins: warn, strict or off
	pinsInspect       bool                // mcprun pins: strict, silent, and nothing saved
	dropped           []mcpconfig.Dropped // the config file's entries that will not start
	oldPinNames       map[string]string   // a server's name → its name before launchers were named after what they run
}

func (f *serverFlags) register(fs *flag.FlagSet) {
	f.registerServers(fs)
	fs.StringVar(&f.toolPins, "tool-pins", "warn", "`MODE` for tools whose description, schema or annotations changed since first used (pinned in $XDG_STATE_HOME/mcprun/tool-pins.json): warn (and pin the new one), strict (refuse the tool until the change is accepted with mcprun pins accept), off")
}

// registerServers registers the flags that name and run servers, without
// --tool-pins (`mcprun pins` reads the pins whatever the mode).
func (f *serverFlags) registerServers(fs *flag.FlagSet) {
	f.Flags.Register(fs, "")
	f.registerConfig(fs)
	fs.DurationVar(&f.callTimeout, "tool-timeout", 60*time.Second, "bound on each MCP tool call")
	fs.DurationVar(&f.shutdownGrace, "shutdown-grace", 2*time.Second, "at exit, how long a stdio server gets after its stdin closes, and again after SIGTERM, before it is killed")
}

// registerConfig defines the flags that read a config file: --config,
// --config-format, --input.
func (f *serverFlags) registerConfig(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", "", "an MCP servers `FILE` as Claude Desktop/Code, Cursor, Cline, Windsurf, VS Code, Gemini CLI, Zed (JSON), Codex (TOML), Goose or Continue (YAML) write it; default ./mcprun.json if present")
	fs.StringVar(&f.configFormat, "config-format", "", "read --config as this `FORMAT` instead of guessing from its name and shape ("+formatList()+")")
	fs.Var(&f.inputs, "input", "a VS Code input's value, `ID=VALUE` (asked on a terminal otherwise); repeatable")
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
	f.dropped = file.Dropped
	out, err := f.Servers(file.Servers, getenv)
	if err != nil {
		return nil, err
	}
	f.oldPinNames = oldPinNames(out, len(file.Servers))
	for _, s := range out {
		a.rememberSecrets(s)
	}
	return out, nil
}

// client makes the mcpclient for a configured server. A remote server
// without an Authorization header gets an OAuth handler backed by the token
// store (`mcprun auth login` fills it; a 401 logs in through the browser).
// done releases what the handler holds; call it after closing the client.
func (a *app) client(ctx context.Context, f *serverFlags, s mcpconfig.Server, opts ...mcpclient.Option) (c *mcpclient.Client, done func(), err error) {
	kind := s.Transport
	done = func() {}
	opts = append(serverflags.Options(s, f.callTimeout), opts...)
	pins, err := a.pinOptions(f, s)
	if err != nil {
		return nil, nil, err
	}
	opts = append(opts, pins...)
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
	stdio := serverflags.Stdio{TerminateTimeout: f.shutdownGrace, Wrap: func(command string, args []string) (string, []string) {
		return supervised(a.self, command, args)
	}}
	c, err = serverflags.New(s, stdio, opts...)
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
