// Command remote-oauth is the reference SDK's third example in Go: a run on
// a model with the tools of a remote MCP server that may require an OAuth
// login. It probes the server; if it asks for authorization, the client
// gets an OAuth handler that logs in on the first 401 — discovery, dynamic
// client registration, PKCE, and the browser's redirect received on
// 127.0.0.1 — and stores the token, so the next run needs no login.
//
// With MISTRAL_API_KEY set:
//
//	go run ./examples/remote-oauth
//	go run ./examples/remote-oauth -url https://example.com/mcp -prompt "..."
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"runtime"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mcpclient/oauth"
	"github.com/mcprun/mcprun/mcpclient/oauth/keyring"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

func main() {
	url := flag.String("url", "https://mcp.linear.app/mcp", "URL of the MCP server (Streamable HTTP)")
	prompt := flag.String("prompt", "Tell me which projects do I have in my workspace?", "what to ask")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	client, err := mistral.NewClient(mistral.FromEnv()) // MISTRAL_API_KEY, MISTRAL_SERVER_URL
	if err != nil {
		log.Fatal(err)
	}
	// The login's redirect comes back to 127.0.0.1 on a port of our own.
	fetcher, err := oauth.NewLoopbackFetcher(openBrowser)
	if err != nil {
		log.Fatal(err)
	}
	defer fetcher.Close()
	store, err := keyring.DefaultStore() // the OS keyring, else a 0600 file
	if err != nil {
		log.Fatal(err)
	}
	login := func(url string) (*oauth.Handler, error) {
		return oauth.NewHandler(url, fetcher.RedirectURL(), fetcher.Fetch, oauth.WithStore(store))
	}
	if err := example(ctx, client, os.Stdout, *url, *prompt, login); err != nil {
		log.Fatal(err)
	}
}

// openBrowser shows the login URL and tries to open it in a browser.
func openBrowser(ctx context.Context, url string) error {
	fmt.Fprintln(os.Stderr, "Log in at", url)
	open := "xdg-open"
	if runtime.GOOS == "darwin" {
		open = "open"
	}
	if cmd := exec.Command(open, url); cmd.Start() == nil {
		go cmd.Wait()
	}
	return nil // the URL is printed anyway
}

// example runs prompt with the tools of the MCP server at url, logging in
// through the handler login makes if the server requires it, and prints the
// model's text to out.
func example(ctx context.Context, client *mistral.Client, out io.Writer, url, prompt string, login func(url string) (*oauth.Handler, error)) error {
	var opts []mcpclient.Option
	need, err := oauth.RequiresAuth(ctx, url)
	if err != nil {
		return err
	}
	if need {
		fmt.Fprintln(out, "the server requires OAuth: using the stored token, else logging in")
		h, err := login(url)
		if err != nil {
			return err
		}
		opts = append(opts, mcpclient.WithOAuthHandler(h))
	}

	remote, err := mcpclient.NewHTTP(url, opts...)
	if err != nil {
		return err
	}
	r, err := run.New(client,
		run.WithModel("mistral-medium-latest"),
		run.WithMCP(remote), // the Runner closes it
		run.WithContinueOnError(true),
	)
	if err != nil {
		remote.Close()
		return err
	}
	defer r.Close()

	res, err := r.Run(ctx, mistral.TextInputs(prompt))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, res.Text())
	return nil
}
