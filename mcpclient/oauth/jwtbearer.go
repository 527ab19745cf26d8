package oauth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
)

// grantTypeJWTBearer is RFC 7523's JWT bearer grant.
const grantTypeJWTBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// JWTBearerHandler implements the go-sdk's auth.OAuthHandler with the JWT
// bearer grant (RFC 7523 §2.1): the client trades a signed JWT, issued to
// it by someone the authorization server trusts, for an access token. No
// user, browser or registration is involved. Two sources of that JWT are
// provided:
//
//   - workload identity federation (SEP-1933, [NewJWTBearerHandler]): the
//     platform the client runs on (a Kubernetes service account, a cloud
//     workload identity) issues the JWT, and the caller hands it over;
//   - enterprise-managed authorization (SEP-990, [NewEnterpriseHandler]):
//     the user's ID token from the enterprise identity provider is
//     exchanged there (RFC 8693 token exchange) for an identity assertion
//     grant (ID-JAG) for this MCP server's authorization server.
//
// On a 401 (or a 403 insufficient_scope) the handler discovers the
// server's protected-resource and authorization server metadata as
// [Handler] does, gets the assertion and runs the grant, naming the MCP
// server in the resource parameter (RFC 8707). The client authenticates
// with [WithClientSecret] (client_secret_basic, or client_secret_post where
// that is all the server lists) or, without a secret, as a public client
// (its client_id in the request). The token is reused until it expires,
// then the grant runs again with a new assertion. A refused grant
// (invalid_grant, invalid_scope, unauthorized_client) is returned as it
// is: never retried with the same assertion, never another grant type.
//
// Errors and logs never carry the assertion, the ID token or tokens. A
// JWTBearerHandler is safe for concurrent use; concurrent 401s share one
// grant.
type JWTBearerHandler struct {
	serverURL string
	clientID  string
	assertion func(ctx context.Context, g *grantTarget) (string, error)
	cfg       options
	log       *slog.Logger

	grants grantSession
	// refused is the last assertion the authorization server refused;
	// under grants.mu.
	refused refusal
}

// refusal remembers a refused assertion (by hash) and why, so that the
// same assertion is not sent again: a session's requests each meet the
// 401, and the go-sdk's connect makes two of them.
type refusal struct {
	sum [32]byte
	err error
}

var _ auth.OAuthHandler = (*JWTBearerHandler)(nil)

// grantTarget is what an assertion is for: the authorization server that
// takes it and the resource the token is for.
type grantTarget struct {
	asm      *oauthex.AuthServerMeta
	resource string
	scopes   []string
}

// NewJWTBearerHandler returns a handler for workload identity federation
// (SEP-1933): for the MCP server at serverURL, as the client clientID, with
// the JWT that assertion returns. assertion is called for every grant with
// the authorization server's issuer, the audience the JWT must name; it
// returns the workload's JWT (read from a projected token file, a metadata
// server, …: the handler reads nothing itself). Options: [WithClientSecret],
// [WithScopes] (by default the scopes of the server's challenge, if any),
// [WithHTTPClient], [WithLogger], [WithDPoP].
func NewJWTBearerHandler(serverURL, clientID string, assertion func(ctx context.Context, audience string) (string, error), opts ...Option) (*JWTBearerHandler, error) {
	if assertion == nil {
		return nil, errors.New("oauth: NewJWTBearerHandler: nil assertion function")
	}
	return newGrantHandler("NewJWTBearerHandler", serverURL, clientID, func(ctx context.Context, g *grantTarget) (string, error) {
		return assertion(ctx, g.asm.Issuer)
	}, opts)
}

// An EnterpriseIdP is the enterprise identity provider of
// enterprise-managed authorization (SEP-990).
type EnterpriseIdP struct {
	// Issuer is the IdP's issuer URL; its token endpoint is discovered
	// from its metadata unless TokenEndpoint is set.
	Issuer        string
	TokenEndpoint string
	// ClientID (and ClientSecret, for a confidential client) identify the
	// MCP client at the IdP.
	ClientID     string
	ClientSecret string
	// IDToken returns the user's OpenID Connect ID token from the IdP
	// (after the enterprise's single sign-on).
	IDToken func(ctx context.Context) (string, error)
}

// NewEnterpriseHandler returns a handler for enterprise-managed
// authorization (SEP-990): for the MCP server at serverURL, as the client
// clientID registered with the server's authorization server. For each
// grant it exchanges the user's ID token at the IdP (RFC 8693: an ID-JAG
// for the authorization server's issuer and the MCP server's resource),
// then trades the ID-JAG in the JWT bearer grant. The IdP's endpoints must
// be HTTPS (or loopback). Options as for [NewJWTBearerHandler].
func NewEnterpriseHandler(serverURL, clientID string, idp EnterpriseIdP, opts ...Option) (*JWTBearerHandler, error) {
	switch {
	case idp.Issuer == "" && idp.TokenEndpoint == "":
		return nil, errors.New("oauth: NewEnterpriseHandler: the IdP has no issuer or token endpoint")
	case idp.ClientID == "":
		return nil, errors.New("oauth: NewEnterpriseHandler: empty IdP client ID")
	case idp.IDToken == nil:
		return nil, errors.New("oauth: NewEnterpriseHandler: nil IDToken function")
	}
	for _, u := range []string{idp.Issuer, idp.TokenEndpoint} {
		if u == "" {
			continue
		}
		if err := checkHTTPSOrLoopback(u); err != nil {
			return nil, fmt.Errorf("oauth: NewEnterpriseHandler: IdP: %w", err)
		}
	}
	var h *JWTBearerHandler
	h, err := newGrantHandler("NewEnterpriseHandler", serverURL, clientID, func(ctx context.Context, g *grantTarget) (string, error) {
		return h.exchangeAtIdP(ctx, idp, g)
	}, opts)
	return h, err
}

func newGrantHandler(name, serverURL, clientID string, assertion func(context.Context, *grantTarget) (string, error), opts []Option) (*JWTBearerHandler, error) {
	if serverURL == "" {
		return nil, fmt.Errorf("oauth: %s: empty server URL", name)
	}
	if clientID == "" {
		return nil, fmt.Errorf("oauth: %s: empty client ID", name)
	}
	cfg, err := buildOptions(forGrant, opts)
	if err != nil {
		return nil, err
	}
	lg := cfg.prepare("server", serverURL, "client_id", clientID)
	return &JWTBearerHandler{serverURL: serverURL, clientID: clientID, assertion: assertion, cfg: cfg, log: lg}, nil
}

// ServerURL returns the MCP server URL the handler authenticates to.
func (h *JWTBearerHandler) ServerURL() string { return h.serverURL }

// TokenSource implements auth.OAuthHandler: nil before the first grant,
// then the current token until it expires, then a new grant.
func (h *JWTBearerHandler) TokenSource(context.Context) (oauth2.TokenSource, error) {
	return h.grants.tokenSource()
}

// Authorize implements auth.OAuthHandler: on a 401 it runs the grant,
// unless another request already has a token the server did not reject;
// a 403 runs it only for insufficient_scope, adding the challenge's
// scopes. It closes resp.Body.
func (h *JWTBearerHandler) Authorize(ctx context.Context, req *http.Request, resp *http.Response) error {
	return h.grants.authorize(ctx, req, resp, h.serverURL, h.cfg.httpClient, h.grant)
}

// grant runs the JWT bearer grant for only the scopes asked for, or
// challenged (scopes_supported may name scopes this client must not ask
// for); a step-up adds them to the last grant's.
func (h *JWTBearerHandler) grant(ctx context.Context, d *discovery, challenges []oauthex.Challenge, stepUp bool, prev []string) (*oauth2.Token, oauth2.TokenSource, []string, error) {
	scopes := union(h.cfg.scopes, scopesFromChallenges(challenges))
	if stepUp {
		scopes = union(prev, scopes)
	}
	g := &grantTarget{asm: d.asm, resource: d.prm.Resource, scopes: scopes}
	if g.resource == "" {
		g.resource = h.serverURL
	}
	src := &bearerGrant{h: h, g: g}
	tok, err := src.token(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	return tok, src, scopes, nil
}

// bearerGrant runs the JWT bearer grant; as an oauth2.TokenSource (wrapped
// in oauth2.ReuseTokenSource) it runs it anew at every expiry.
type bearerGrant struct {
	h *JWTBearerHandler
	g *grantTarget
}

// Token implements oauth2.TokenSource, outside any request's context.
func (b *bearerGrant) Token() (*oauth2.Token, error) { return detachedToken(b.token) }

func (b *bearerGrant) token(ctx context.Context) (*oauth2.Token, error) {
	h, g := b.h, b.g
	assertion, err := h.assertion(ctx, g)
	if err != nil {
		return nil, stepErr("assertion", sanitize(err))
	}
	if assertion == "" {
		return nil, stepErr("assertion", errors.New("empty assertion"))
	}
	sum := sha256.Sum256([]byte(assertion))
	h.grants.mu.Lock()
	prev := h.refused
	h.grants.mu.Unlock()
	if prev.err != nil && prev.sum == sum {
		return nil, prev.err
	}
	cfg := &oauth2.Config{
		ClientID: h.clientID,
		Endpoint: oauth2.Endpoint{TokenURL: g.asm.TokenEndpoint, AuthStyle: oauth2.AuthStyleInParams},
		Scopes:   g.scopes,
	}
	method := "none"
	if h.cfg.clientSecret != "" {
		cfg.ClientSecret = h.cfg.clientSecret
		method = secretAuthMethod(g.asm.TokenEndpointAuthMethodsSupported)
		cfg.Endpoint.AuthStyle = authStyle(method)
	}
	params := []oauth2.AuthCodeOption{
		oauth2.SetAuthURLParam("grant_type", grantTypeJWTBearer),
		oauth2.SetAuthURLParam("assertion", assertion),
		oauth2.SetAuthURLParam("resource", g.resource),
	}
	if len(g.scopes) > 0 {
		params = append(params, oauth2.SetAuthURLParam("scope", strings.Join(g.scopes, " ")))
	}
	h.log.Debug("oauth: JWT bearer grant", "token_endpoint", g.asm.TokenEndpoint, "auth_method", method, "resource", g.resource, "scopes", g.scopes)
	// Exchange with an empty code sends grant_type from params (it
	// overrides authorization_code) and no redirect_uri.
	tok, err := cfg.Exchange(context.WithValue(ctx, oauth2.HTTPClient, h.cfg.httpClient), "", params...)
	if err != nil {
		h.log.Info("oauth: JWT bearer grant refused", "issuer", g.asm.Issuer, "err", sanitize(err))
		err = stepErr("token", sanitize(err))
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			h.grants.mu.Lock()
			h.refused = refusal{sum, err}
			h.grants.mu.Unlock()
		}
		return nil, err
	}
	if tok.AccessToken == "" {
		return nil, stepErr("token", errors.New("no access token in the answer"))
	}
	h.log.Info("oauth: JWT bearer token obtained", "issuer", g.asm.Issuer, "expiry", tok.Expiry)
	return tok, nil
}

// exchangeAtIdP trades the user's ID token for an ID-JAG at the IdP
// (SEP-990 over RFC 8693), for the authorization server and resource of g.
func (h *JWTBearerHandler) exchangeAtIdP(ctx context.Context, idp EnterpriseIdP, g *grantTarget) (string, error) {
	idToken, err := idp.IDToken(ctx)
	if err != nil {
		return "", fmt.Errorf("ID token: %w", err)
	}
	if idToken == "" {
		return "", errors.New("empty ID token")
	}
	endpoint := idp.TokenEndpoint
	if endpoint == "" {
		meta, err := auth.GetAuthServerMetadata(ctx, idp.Issuer, h.cfg.httpClient)
		if err != nil {
			return "", fmt.Errorf("IdP metadata: %w", err)
		}
		if meta == nil || meta.TokenEndpoint == "" {
			return "", fmt.Errorf("IdP %s: no token endpoint in its metadata", idp.Issuer)
		}
		if err := checkHTTPSOrLoopback(meta.TokenEndpoint); err != nil {
			return "", fmt.Errorf("IdP token endpoint: %w", err)
		}
		endpoint = meta.TokenEndpoint
	}
	creds := &oauthex.ClientCredentials{ClientID: idp.ClientID}
	if idp.ClientSecret != "" {
		creds.ClientSecretAuth = &oauthex.ClientSecretAuth{ClientSecret: idp.ClientSecret}
	}
	jag, err := oauthex.ExchangeToken(ctx, endpoint, &oauthex.TokenExchangeRequest{
		RequestedTokenType: oauthex.TokenTypeIDJAG,
		Audience:           g.asm.Issuer,
		Resource:           g.resource,
		Scope:              slices.Clone(g.scopes),
		SubjectToken:       idToken,
		SubjectTokenType:   oauthex.TokenTypeIDToken,
	}, creds, h.cfg.httpClient)
	if err != nil {
		return "", fmt.Errorf("token exchange at the IdP (%s): %w", redactURL(endpoint), err)
	}
	return jag.AccessToken, nil
}

// redactURL drops a URL's query and user info for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(invalid URL)"
	}
	u.RawQuery, u.User, u.Fragment = "", nil, ""
	return u.String()
}
