package oauth_test

import (
	"context"
	"log"
	"os"
	"strings"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mcpclient/oauth"
)

// Workload identity federation: the platform's token (here a Kubernetes
// projected service account token, whose audience the pod spec names) is
// traded for an access token in the JWT bearer grant.
func ExampleNewJWTBearerHandler() {
	const server = "https://mcp.example.com/mcp"
	h, err := oauth.NewJWTBearerHandler(server, "my-workload", func(ctx context.Context, audience string) (string, error) {
		b, err := os.ReadFile("/var/run/secrets/tokens/mcp-token")
		return strings.TrimSpace(string(b)), err
	})
	if err != nil {
		log.Fatal(err)
	}
	c, err := mcpclient.NewHTTP(server, mcpclient.WithOAuthHandler(h))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	if err := c.Connect(context.Background()); err != nil {
		log.Fatal(err)
	}
}

// Enterprise-managed authorization: the user's ID token from the company's
// single sign-on is exchanged at the IdP for an ID-JAG, which the MCP
// server's authorization server trades for an access token.
func ExampleNewEnterpriseHandler() {
	const server = "https://mcp.example.com/mcp"
	idToken := func(ctx context.Context) (string, error) {
		return os.Getenv("MY_ID_TOKEN"), nil // from the SSO login
	}
	h, err := oauth.NewEnterpriseHandler(server, "mcp-client-id", oauth.EnterpriseIdP{
		Issuer:   "https://acme.okta.example",
		ClientID: "idp-client-id",
		IDToken:  idToken,
	}, oauth.WithClientSecret(os.Getenv("MCP_CLIENT_SECRET")))
	if err != nil {
		log.Fatal(err)
	}
	c, err := mcpclient.NewHTTP(server, mcpclient.WithOAuthHandler(h))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}

// DPoP-bound tokens: the handler's token requests carry proofs of the
// key, and the client's transport presents every token with a fresh proof.
func ExampleDPoP() {
	const server = "https://mcp.example.com/mcp"
	d, err := oauth.NewDPoP()
	if err != nil {
		log.Fatal(err)
	}
	h, err := oauth.NewClientCredentialsHandler(server, "svc", oauth.WithClientSecret(os.Getenv("SECRET")), oauth.WithDPoP(d))
	if err != nil {
		log.Fatal(err)
	}
	c, err := mcpclient.NewHTTP(server, mcpclient.WithOAuthHandler(h), mcpclient.WithRoundTripper(d.Transport))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
}
