package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
)

// Cross-app access (SEP-990: token exchange at the enterprise IdP, then the
// JWT bearer grant with client_secret_basic), which mcpclient/oauth does
// not offer. Nothing here signs a JWT: the ID token comes from the suite, the ID-JAG from the
// IdP. The client credentials grant (secret or private_key_jwt) is the
// library's oauth.ClientCredentialsHandler.

// grantFunc obtains a token from the authorization server that protects the
// resource (discovered from the 401 the server answered with).
type grantFunc func(ctx context.Context, prm *oauthex.ProtectedResourceMetadata, asm *oauthex.AuthServerMeta) (*oauth2.Token, error)

// grantHandler is an auth.OAuthHandler that, on a 401, discovers the
// resource's authorization server and runs grant.
type grantHandler struct {
	grant grantFunc
	mu    sync.Mutex
	ts    oauth2.TokenSource
}

var _ auth.OAuthHandler = (*grantHandler)(nil)

func (h *grantHandler) TokenSource(context.Context) (oauth2.TokenSource, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ts, nil
}

func (h *grantHandler) Authorize(ctx context.Context, req *http.Request, resp *http.Response) error {
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	prm, err := protectedResourceMetadata(ctx, req.URL, resp.Header.Get("WWW-Authenticate"))
	if err != nil {
		return err
	}
	if len(prm.AuthorizationServers) == 0 {
		return errors.New("protected resource metadata names no authorization server")
	}
	asm, err := auth.GetAuthServerMetadata(ctx, prm.AuthorizationServers[0], http.DefaultClient)
	if err != nil {
		return fmt.Errorf("authorization server metadata: %w", err)
	}
	if asm == nil {
		return fmt.Errorf("no authorization server metadata for %s", prm.AuthorizationServers[0])
	}
	tok, err := h.grant(ctx, prm, asm)
	if err != nil {
		return err
	}
	h.mu.Lock()
	h.ts = oauth2.StaticTokenSource(tok)
	h.mu.Unlock()
	return nil
}

var resourceMetadataParam = regexp.MustCompile(`resource_metadata="([^"]*)"`)

// protectedResourceMetadata fetches the RFC 9728 metadata of the resource at
// u: from the URL in the challenge's resource_metadata, else from the
// well-known URLs (path-specific first, then root).
func protectedResourceMetadata(ctx context.Context, u *url.URL, challenge string) (*oauthex.ProtectedResourceMetadata, error) {
	var candidates []string
	if m := resourceMetadataParam.FindStringSubmatch(challenge); m != nil {
		candidates = append(candidates, m[1])
	}
	origin := u.Scheme + "://" + u.Host
	if p := strings.TrimSuffix(u.Path, "/"); p != "" {
		candidates = append(candidates, origin+"/.well-known/oauth-protected-resource"+p)
	}
	candidates = append(candidates, origin+"/.well-known/oauth-protected-resource")
	var errs []error
	for _, c := range candidates {
		var prm oauthex.ProtectedResourceMetadata
		if err := getJSON(ctx, c, &prm); err != nil {
			errs = append(errs, err)
			continue
		}
		return &prm, nil
	}
	return nil, fmt.Errorf("protected resource metadata: %w", errors.Join(errs...))
}

func getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v); err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	return nil
}

// crossAppAccess is SEP-990: the ID token from the enterprise IdP is
// exchanged there (RFC 8693) for an ID-JAG, which the MCP server's
// authorization server takes in the JWT bearer grant (RFC 7523), the client
// authenticating with client_secret_basic.
func crossAppAccess(cc confContext) (grantFunc, error) {
	for _, k := range []string{"client_id", "client_secret", "idp_client_id", "idp_id_token", "idp_issuer"} {
		if cc.str(k) == "" {
			return nil, fmt.Errorf("MCP_CONFORMANCE_CONTEXT has no %s", k)
		}
	}
	return func(ctx context.Context, prm *oauthex.ProtectedResourceMetadata, asm *oauthex.AuthServerMeta) (*oauth2.Token, error) {
		idpTokenURL := cc.str("idp_token_endpoint")
		if idpTokenURL == "" {
			idp, err := auth.GetAuthServerMetadata(ctx, cc.str("idp_issuer"), http.DefaultClient)
			if err != nil || idp == nil {
				return nil, fmt.Errorf("IdP metadata: %v", err)
			}
			idpTokenURL = idp.TokenEndpoint
		}
		jag, err := oauthex.ExchangeToken(ctx, idpTokenURL, &oauthex.TokenExchangeRequest{
			RequestedTokenType: oauthex.TokenTypeIDJAG,
			Audience:           asm.Issuer,
			Resource:           prm.Resource,
			Scope:              prm.ScopesSupported,
			SubjectToken:       cc.str("idp_id_token"),
			SubjectTokenType:   oauthex.TokenTypeIDToken,
		}, &oauthex.ClientCredentials{ClientID: cc.str("idp_client_id")}, http.DefaultClient)
		if err != nil {
			return nil, fmt.Errorf("token exchange at the IdP: %w", err)
		}
		cfg := &oauth2.Config{
			ClientID:     cc.str("client_id"),
			ClientSecret: cc.str("client_secret"),
			Endpoint:     oauth2.Endpoint{TokenURL: asm.TokenEndpoint, AuthStyle: oauth2.AuthStyleInHeader},
		}
		tok, err := cfg.Exchange(ctx, "",
			oauth2.SetAuthURLParam("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
			oauth2.SetAuthURLParam("assertion", jag.AccessToken))
		if err != nil {
			return nil, fmt.Errorf("JWT bearer grant: %w", err)
		}
		return tok, nil
	}, nil
}
