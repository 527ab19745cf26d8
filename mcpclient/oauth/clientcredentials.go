package oauth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// ClientCredentialsHandler implements the go-sdk's auth.OAuthHandler with
// the OAuth client credentials grant (RFC 6749 §4.4; the MCP extension
// SEP-1046), for machine-to-machine clients: no user, no browser, no
// registration. Hand it to mcpclient.WithOAuthHandler (which serves both
// HTTP transports).
//
// On a 401 (or a 403 insufficient_scope) it discovers the server's
// protected-resource metadata and authorization server metadata as
// [Handler] does (HTTPS-or-loopback endpoints), then asks the token
// endpoint for a token, naming the MCP server in the resource parameter
// (RFC 8707). The client authenticates with its secret (client_secret_basic,
// or client_secret_post where that is all the server lists) or with a JWT
// assertion signed by its private key (private_key_jwt: iss and sub the
// client ID, aud the authorization server's issuer, a five-minute lifetime
// and a random jti), signed with github.com/golang-jwt/jwt/v5.
//
// The token is reused until it expires; then, or when the server rejects
// it, the handler runs the grant again (the grant has no refresh tokens).
// Nothing is persisted. Errors and logs never carry the secret, the key, the
// assertion or tokens.
//
// The go-sdk's extauth.ClientCredentialsHandler covers the secret case only,
// without the resource parameter, configured scopes, the HTTPS checks or
// concurrency safety; hence this handler.
//
// A ClientCredentialsHandler is safe for concurrent use; concurrent 401s
// share one grant.
type ClientCredentialsHandler struct {
	serverURL string
	clientID  string
	cfg       options
	log       *slog.Logger
	key       crypto.Signer // nil for a secret

	grants grantSession
}

var _ auth.OAuthHandler = (*ClientCredentialsHandler)(nil)

// NewClientCredentialsHandler returns a handler for the MCP server at
// serverURL (the URL the transport connects to; it is the resource the
// token is requested for), as the client clientID registered beforehand.
// The client authenticates with exactly one of [WithClientSecret] and
// [WithPrivateKey] (with [WithSigningAlgorithm]); other options:
// [WithScopes], [WithHTTPClient], [WithLogger]. It parses the private key
// and checks that it can sign with the algorithm.
func NewClientCredentialsHandler(serverURL, clientID string, opts ...Option) (*ClientCredentialsHandler, error) {
	if serverURL == "" {
		return nil, errors.New("oauth: NewClientCredentialsHandler: empty server URL")
	}
	if clientID == "" {
		return nil, errors.New("oauth: NewClientCredentialsHandler: empty client ID")
	}
	cfg, err := buildOptions(forClientCredentials, opts)
	if err != nil {
		return nil, err
	}
	h := &ClientCredentialsHandler{serverURL: serverURL, clientID: clientID, cfg: cfg}
	if len(cfg.privateKeyPEM) > 0 {
		key, err := parsePrivateKey(cfg.privateKeyPEM)
		if err != nil {
			return nil, fmt.Errorf("oauth: WithPrivateKey: %w", err)
		}
		h.key = key
		alg := cfg.signingAlgorithm
		if alg == "" {
			alg = defaultAlg(key, nil)
		}
		// golang-jwt refuses a key of the wrong type or curve: try it now
		// rather than at the first grant.
		if _, err := h.sign(alg, "https://as.invalid"); err != nil {
			return nil, fmt.Errorf("oauth: private key cannot sign %s: %w", alg, err)
		}
	}
	h.log = h.cfg.prepare("server", serverURL, "client_id", clientID)
	return h, nil
}

// ServerURL returns the MCP server URL the handler authenticates to.
func (h *ClientCredentialsHandler) ServerURL() string { return h.serverURL }

// TokenSource implements auth.OAuthHandler. It returns nil before the first
// grant (the transport then sends no Authorization header, and the server's
// 401 leads to [ClientCredentialsHandler.Authorize]). The source hands out
// the current token until it expires, then runs the grant again.
func (h *ClientCredentialsHandler) TokenSource(context.Context) (oauth2.TokenSource, error) {
	return h.grants.tokenSource()
}

// Authorize implements auth.OAuthHandler. On a 401 it runs the client
// credentials grant, unless another request already has a token the server
// did not reject; a 403 runs it only for insufficient_scope, adding the
// challenge's scopes. It closes resp.Body.
func (h *ClientCredentialsHandler) Authorize(ctx context.Context, req *http.Request, resp *http.Response) error {
	return h.grants.authorize(ctx, req, resp, h.serverURL, h.cfg.httpClient, h.grant)
}

// grant runs the client credentials grant with the configured scopes, else
// those challenged, else those the server supports; a step-up adds the
// challenged scopes to the last grant's.
func (h *ClientCredentialsHandler) grant(ctx context.Context, d *discovery, challenges []oauthex.Challenge, stepUp bool, prev []string) (*oauth2.Token, oauth2.TokenSource, []string, error) {
	scopes := h.cfg.scopes
	if len(scopes) == 0 {
		scopes = scopesFromChallenges(challenges)
	}
	if len(scopes) == 0 {
		scopes = d.prm.ScopesSupported
	}
	if stepUp {
		scopes = union(prev, h.cfg.scopes, scopesFromChallenges(challenges))
	}
	g := &ccGrant{h: h, asm: d.asm, resource: d.prm.Resource, scopes: slices.Clone(scopes)}
	if g.resource == "" {
		g.resource = h.serverURL
	}
	tok, err := g.token(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	return tok, g, g.scopes, nil
}

func union(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, s := range l {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// ccGrant is the client credentials grant at one authorization server; as
// an oauth2.TokenSource it runs the grant anew at every call (wrapped in
// oauth2.ReuseTokenSource, at every expiry).
type ccGrant struct {
	h        *ClientCredentialsHandler
	asm      *oauthex.AuthServerMeta
	resource string
	scopes   []string
}

// Token implements oauth2.TokenSource. An expired token is replaced outside
// any request, so the grant is not bound to one's context.
func (g *ccGrant) Token() (*oauth2.Token, error) { return detachedToken(g.token) }

func (g *ccGrant) token(ctx context.Context) (*oauth2.Token, error) {
	h := g.h
	cfg := &clientcredentials.Config{
		ClientID:       h.clientID,
		TokenURL:       g.asm.TokenEndpoint,
		Scopes:         g.scopes,
		EndpointParams: url.Values{"resource": {g.resource}},
	}
	method := "private_key_jwt"
	if h.key == nil {
		cfg.ClientSecret = h.cfg.clientSecret
		method = secretAuthMethod(g.asm.TokenEndpointAuthMethodsSupported)
		cfg.AuthStyle = authStyle(method)
	} else {
		alg := h.cfg.signingAlgorithm
		if alg == "" {
			alg = defaultAlg(h.key, g.asm.TokenEndpointAuthSigningAlgValuesSupported)
		}
		assertion, err := h.sign(alg, g.asm.Issuer)
		if err != nil {
			return nil, stepErr("token", fmt.Errorf("signing the client assertion (%s): %w", alg, err))
		}
		cfg.AuthStyle = oauth2.AuthStyleInParams // client_id in the form, no secret
		cfg.EndpointParams.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
		cfg.EndpointParams.Set("client_assertion", assertion)
	}
	h.log.Debug("oauth: client credentials grant", "token_endpoint", g.asm.TokenEndpoint,
		"auth_method", method, "resource", g.resource, "scopes", g.scopes)
	tok, err := cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, h.cfg.httpClient))
	if err != nil {
		h.log.Info("oauth: client credentials grant failed", "issuer", g.asm.Issuer, "err", sanitize(err))
		return nil, stepErr("token", sanitize(err))
	}
	if tok.AccessToken == "" {
		return nil, stepErr("token", errors.New("no access token in the answer"))
	}
	h.log.Info("oauth: client credentials token obtained", "issuer", g.asm.Issuer, "expiry", tok.Expiry)
	return tok, nil
}

// secretAuthMethod picks client_secret_basic (RFC 6749's default) unless the
// server lists client_secret_post and not basic.
func secretAuthMethod(supported []string) string {
	if !slices.Contains(supported, "client_secret_basic") && slices.Contains(supported, "client_secret_post") {
		return "client_secret_post"
	}
	return "client_secret_basic"
}

// sign returns a private_key_jwt client assertion (RFC 7523 §3) for the
// authorization server whose issuer is aud.
func (h *ClientCredentialsHandler) sign(alg, aud string) (string, error) {
	m := jwt.GetSigningMethod(alg)
	if m == nil || alg == jwt.SigningMethodNone.Alg() || slices.Contains([]string{"HS256", "HS384", "HS512"}, alg) {
		return "", fmt.Errorf("unsupported signing algorithm %q", alg)
	}
	now := time.Now()
	claims := jwt.MapClaims{
		"iss": h.clientID,
		"sub": h.clientID,
		"aud": aud,
		"iat": now.Unix(),
		"exp": now.Add(5 * time.Minute).Unix(),
		"jti": rand.Text(),
	}
	return jwt.NewWithClaims(m, claims).SignedString(h.key)
}

// defaultAlg picks the JWS algorithm for key; advertised is the server's
// token_endpoint_auth_signing_alg_values_supported (may be empty).
func defaultAlg(key crypto.Signer, advertised []string) string {
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P384():
			return "ES384"
		case elliptic.P521():
			return "ES512"
		}
		return "ES256"
	case *rsa.PrivateKey:
		if len(advertised) > 0 && !slices.Contains(advertised, "RS256") && slices.Contains(advertised, "PS256") {
			return "PS256"
		}
		return "RS256"
	case ed25519.PrivateKey:
		return "EdDSA"
	}
	return ""
}

// parsePrivateKey reads the first private key block of a PEM document,
// skipping others (such as EC PARAMETERS). Errors never quote the key.
func parsePrivateKey(data []byte) (crypto.Signer, error) {
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, errors.New("no PEM private key block")
		}
		if len(block.Headers) > 0 {
			return nil, errors.New("encrypted private keys are not supported")
		}
		var (
			k   any
			err error
		)
		switch block.Type {
		case "PRIVATE KEY":
			k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "RSA PRIVATE KEY":
			k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(block.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("encrypted private keys are not supported")
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", block.Type, err)
		}
		switch k := k.(type) {
		case *ecdsa.PrivateKey, *rsa.PrivateKey, ed25519.PrivateKey:
			return k.(crypto.Signer), nil
		default:
			return nil, fmt.Errorf("unsupported key type %T", k)
		}
	}
}
