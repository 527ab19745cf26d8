package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mcpclient/oauth"
	"github.com/mcprun/mcprun/mcpclient/oauth/keyring"
)

// loginTimeout bounds a login: a person at a browser is slow.
const loginTimeout = 5 * time.Minute

// tokenStore is where logins persist: the OS keyring when it answers, else a
// 0600 file under $XDG_CONFIG_HOME/mcprun. MCPRUN_TOKEN_STORE=file forces
// the file. It is chosen once per command: probing the keyring is I/O, and
// every remote server of a run shares the store.
func (a *app) tokenStore() (oauth.TokenStore, error) {
	a.storeOnce.Do(func() {
		if a.getenv("MCPRUN_TOKEN_STORE") == "file" {
			p, err := oauth.DefaultFilePath()
			if err != nil {
				a.storeErr = err
				return
			}
			a.store = oauth.NewFileStore(p)
			return
		}
		a.store, a.storeErr = keyring.DefaultStore()
	})
	return a.store, a.storeErr
}

// openBrowser shows the login URL and tries the desktop's opener.
func (a *app) openBrowser(ctx context.Context, u string) error {
	if a.browser != nil {
		return a.browser(ctx, u)
	}
	fmt.Fprintf(a.stderr, "Open this URL to log in:\n  %s\n", u)
	opener := "xdg-open"
	if runtime.GOOS == "darwin" {
		opener = "open"
	}
	if path, err := exec.LookPath(opener); err == nil {
		cmd := exec.Command(path, u)
		if cmd.Start() == nil {
			go cmd.Wait() // reap it
		}
	}
	return nil
}

// oauthFor returns an OAuth handler for an HTTP server, backed by the token
// store, that logs in through the browser on the first 401. The fetcher
// reuses the port of a stored registration so that its redirect URI holds.
func (a *app) oauthFor(ctx context.Context, serverURL string, scopes []string) (*oauth.Handler, func(), error) {
	store, err := a.tokenStore()
	if err != nil {
		return nil, nil, err
	}
	addr := ""
	if rec, err := store.Load(ctx, serverURL, scopes); err == nil {
		if t := rec.Token; t != nil { // never shown, even quoted by a server
			a.secrets.Add(t.AccessToken, t.RefreshToken)
		}
		if c := rec.Client; c != nil {
			a.secrets.Add(c.ClientSecret)
			if c.RedirectURI != "" {
				if u, err := url.Parse(c.RedirectURI); err == nil {
					addr = u.Host
				}
			}
		}
	}
	var lf *oauth.LoopbackFetcher
	if addr != "" {
		lf, err = oauth.NewLoopbackFetcherOn(addr, a.openBrowser)
	}
	if lf == nil {
		lf, err = oauth.NewLoopbackFetcher(a.openBrowser)
	}
	if err != nil {
		return nil, nil, err
	}
	opts := []oauth.Option{oauth.WithStore(store)}
	if len(scopes) > 0 {
		opts = append(opts, oauth.WithScopes(scopes...))
	}
	h, err := oauth.NewHandler(serverURL, lf.RedirectURL(), lf.Fetch, opts...)
	if err != nil {
		lf.Close()
		return nil, nil, err
	}
	return h, func() { lf.Close() }, nil
}

// authCmd is `mcprun auth login|status|logout`.
func (a *app) authCmd(ctx context.Context, args []string) error {
	const use = "Usage: mcprun auth login SERVER-URL|CONFIG-NAME [--scopes a,b]\n       mcprun auth status\n       mcprun auth logout SERVER-URL|CONFIG-NAME\n"
	if len(args) > 0 && isHelpFlag(args[0]) {
		return a.groupHelp(ctx, "auth")
	}
	if len(args) == 0 || !slices.Contains(subcommands["auth"], args[0]) {
		fmt.Fprint(a.stderr, use)
		return errUsage
	}
	// Each subcommand registers only the flags it reads: status reads the
	// store alone; login and logout find a remote server by its name in a
	// config or --sse/--http (never start one: no --stdio, --tool-timeout
	// or --shutdown-grace), and only login asks for scopes.
	var sf serverFlags
	var fs *flag.FlagSet
	scopes := new(string)
	switch args[0] {
	case "status":
		fs = a.newFlagSet("auth status", "auth status  (every stored login)")
	default:
		fs = a.newFlagSet("auth "+args[0], "auth "+args[0]+" [flags] SERVER-URL|CONFIG-NAME")
		sf.RegisterRemote(fs)
		sf.registerConfig(fs)
		if args[0] == "login" {
			fs.StringVar(scopes, "scopes", "", "comma-separated `SCOPES` to ask for (default: the server's)")
		}
	}
	if err := a.parse(fs, args[1:]); err != nil {
		return err
	}
	store, err := a.tokenStore()
	if err != nil {
		return err
	}
	switch args[0] {
	case "status":
		if fs.NArg() != 0 {
			fmt.Fprint(a.stderr, use)
			return errUsage
		}
		recs, err := store.List(ctx)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			fmt.Fprintf(a.stdout, "no logins stored (%s)\n", store.Name())
			return nil
		}
		tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SERVER\tSCOPES\tEXPIRES\tREFRESHABLE\tSTORED IN")
		for _, r := range recs {
			exp := "unknown"
			if e := r.Expiry(); !e.IsZero() {
				exp = e.Local().Format(time.RFC3339)
				if time.Until(e) < 0 {
					exp += " (expired)"
				}
			}
			refreshable := r.Token != nil && r.Token.RefreshToken != ""
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\n", r.Server, strings.Join(r.Scopes, " "), exp, refreshable, store.Name())
		}
		return tw.Flush()
	case "login", "logout":
		if fs.NArg() != 1 {
			fmt.Fprint(a.stderr, use)
			return errUsage
		}
	default:
		fmt.Fprint(a.stderr, use)
		return errUsage
	}
	target, kind, err := a.resolveServer(&sf, fs.Arg(0))
	if err != nil {
		return err
	}
	if args[0] == "logout" {
		a.revokeLogins(ctx, store, target)
		if err := store.Delete(ctx, target); err != nil && !errors.Is(err, oauth.ErrNotFound) {
			return err
		}
		fmt.Fprintf(a.stdout, "logged out of %s\n", target)
		return nil
	}
	var sc []string
	if *scopes != "" {
		sc = strings.Split(*scopes, ",")
	}
	h, done, err := a.oauthFor(ctx, target, sc)
	if err != nil {
		return err
	}
	defer done()
	opts := []mcpclient.Option{mcpclient.WithConnectTimeout(loginTimeout)}
	if kind == "sse" {
		opts = append(opts, mcpclient.WithHTTPTransport(mcpclient.SSE))
	} else {
		opts = append(opts, mcpclient.WithHTTPTransport(mcpclient.Streamable))
	}
	opts = append(opts, mcpclient.WithOAuthHandler(h))
	c, err := mcpclient.NewHTTP(target, opts...)
	if err != nil {
		return fmt.Errorf("login to %s: %w", target, err)
	}
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		return fmt.Errorf("login to %s: %w", target, err)
	}
	fmt.Fprintf(a.stdout, "logged in to %s (credentials in %s)\n", target, store.Name())
	return nil
}

// resolveServer turns a URL or the name of a configured server into the
// server's URL and transport.
func (a *app) resolveServer(sf *serverFlags, arg string) (string, string, error) {
	if strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://") {
		return arg, "http", nil
	}
	servers, err := a.servers(sf)
	if err != nil {
		return "", "", err
	}
	for _, s := range servers {
		if s.Name == arg {
			if s.URL == "" {
				return "", "", fmt.Errorf("server %q is a stdio server: it needs no login", arg)
			}
			return s.URL, string(s.Transport), nil
		}
	}
	return "", "", fmt.Errorf("%q is neither a URL nor a configured server", arg)
}
