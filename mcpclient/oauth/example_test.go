package oauth_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"os/exec"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mcpclient/oauth"
)

// The easy path: a Handler on the Streamable HTTP transport. The first 401
// runs the login in the browser (callback on 127.0.0.1); the token and the
// client registration are stored, so later runs neither log in nor register
// again, and the token is refreshed as it expires.
func ExampleHandler() {
	ctx := context.Background()
	const server = "https://mcp.example.com/mcp"

	// $XDG_CONFIG_HOME/mcprun/oauth-tokens.json (0600); the OS keyring is
	// keyring.DefaultStore in mcpclient/oauth/keyring.
	path, err := oauth.DefaultFilePath()
	if err != nil {
		log.Fatal(err)
	}
	store := oauth.NewFileStore(path)
	fetcher, err := oauth.NewLoopbackFetcher(func(ctx context.Context, url string) error {
		fmt.Println("Log in at", url)
		return exec.CommandContext(ctx, "xdg-open", url).Start()
	})
	if err != nil {
		log.Fatal(err)
	}
	defer fetcher.Close()
	h, err := oauth.NewHandler(server, fetcher.RedirectURL(), fetcher.Fetch, oauth.WithStore(store))
	if err != nil {
		log.Fatal(err)
	}

	c, err := mcpclient.NewHTTP(server, mcpclient.WithOAuthHandler(h))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		log.Fatal(err) // an *oauth.StepError says which step failed
	}

	// The same works for a legacy SSE server: mcpclient authenticates its
	// requests through the handler.
	sseHandler, err := oauth.NewHandler("https://legacy.example.com/sse", fetcher.RedirectURL(), fetcher.Fetch, oauth.WithStore(store))
	if err != nil {
		log.Fatal(err)
	}
	sse, err := mcpclient.NewHTTP("https://legacy.example.com/sse",
		mcpclient.WithHTTPTransport(mcpclient.SSE), mcpclient.WithOAuthHandler(sseHandler))
	if err != nil {
		log.Fatal(err)
	}
	defer sse.Close()
}

// The reference flow, step by step, for a program that shows the login URL
// itself and receives the redirect some other way.
func ExampleBuildOAuthParams() {
	ctx := context.Background()
	const server = "https://mcp.example.com/mcp"
	const redirect = "http://127.0.0.1:8976/callback"

	if need, err := oauth.RequiresAuth(ctx, server); err != nil || !need {
		return
	}
	params, err := oauth.BuildOAuthParams(ctx, server, redirect)
	if err != nil {
		log.Fatal(err)
	}
	authURL, state, err := params.AuthURL()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("Log in at", authURL)
	callbackURL := "" // the URL the browser was redirected to
	tok, err := params.Exchange(ctx, callbackURL, state)
	if err != nil {
		log.Fatal(err)
	}
	h, err := oauth.NewHandler(server, redirect, (&oauth.RedirectFollower{}).Fetch)
	if err != nil {
		log.Fatal(err)
	}
	if err := h.SetToken(ctx, tok, params.Registration()); err != nil {
		log.Fatal(err)
	}
	c, err := mcpclient.NewHTTP(server, mcpclient.WithOAuthHandler(h))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

// A machine-to-machine client: the client credentials grant, the client
// authenticating with a private key (private_key_jwt; WithClientSecret works
// the same way). The first 401 discovers the authorization server and gets
// a token for the server; a new grant runs as it expires.
func ExampleNewClientCredentialsHandler() {
	ctx := context.Background()
	const server = "https://mcp.example.com/mcp"

	keyPEM, err := os.ReadFile("client-key.pem") // PKCS#8, PKCS#1 or EC PEM
	if err != nil {
		log.Fatal(err)
	}
	h, err := oauth.NewClientCredentialsHandler(server, "reporting-bot",
		oauth.WithPrivateKey(keyPEM), oauth.WithScopes("mcp:tools"))
	if err != nil {
		log.Fatal(err)
	}
	c, err := mcpclient.NewHTTP(server, mcpclient.WithOAuthHandler(h))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		log.Fatal(err) // an *oauth.StepError says which step failed
	}
}

// Options are checked when the handler is made: one that means nothing
// there is an error, not ignored.
func ExampleOption() {
	_, err := oauth.NewClientCredentialsHandler("https://mcp.example.com/mcp", "bot",
		oauth.WithClientSecret("s3cret"), oauth.WithStore(oauth.NewMemoryStore()))
	fmt.Println(err)
	// Output:
	// oauth: WithStore applies to NewHandler and BuildOAuthParams, not NewClientCredentialsHandler
}
