package oauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
)

// RequiresAuth probes serverURL without credentials: it reports true when
// the server answers 401 (or 403 insufficient_scope). It GETs the URL as an
// event stream (what an SSE server serves); a server that refuses the GET
// (400, 404, 405, 406) gets an MCP initialize POST instead. Of the options
// only [WithHTTPClient] applies.
func RequiresAuth(ctx context.Context, serverURL string, opts ...Option) (bool, error) {
	o, err := buildOptions(forProbe, opts)
	if err != nil {
		return false, err
	}
	_, needs, err := probe(ctx, serverURL, guarded(o.httpClient))
	return needs, err
}

const initializeProbe = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcprun-auth-probe","version":"0"}}}`

// probe returns the challenges of an unauthenticated request and whether
// the server asks for authorization.
func probe(ctx context.Context, serverURL string, c *http.Client) ([]oauthex.Challenge, bool, error) {
	u, err := url.Parse(serverURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false, stepErr("probe", fmt.Errorf("invalid server URL %q", serverURL))
	}
	resp, err := probeOnce(ctx, c, http.MethodGet, serverURL)
	if err != nil {
		return nil, false, stepErr("probe", err)
	}
	switch resp.StatusCode {
	case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotAcceptable:
		resp, err = probeOnce(ctx, c, http.MethodPost, serverURL)
		if err != nil {
			return nil, false, stepErr("probe", err)
		}
	}
	cs, err := parseChallenges(resp.Header)
	if err != nil {
		return nil, false, stepErr("probe", err)
	}
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return cs, true, nil
	case resp.StatusCode == http.StatusForbidden && errorFromChallenges(cs) == "insufficient_scope":
		return cs, true, nil
	}
	return cs, false, nil
}

// probeOnce sends one request and returns the response with its body
// closed. An MCP session the POST opened is deleted.
func probeOnce(ctx context.Context, c *http.Client, method, serverURL string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var body io.Reader
	if method == http.MethodPost {
		body = strings.NewReader(initializeProbe)
	}
	req, err := http.NewRequestWithContext(ctx, method, serverURL, body)
	if err != nil {
		return nil, err
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
	} else {
		req.Header.Set("Accept", "text/event-stream")
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close() // an event stream is not read
	if sid := resp.Header.Get("Mcp-Session-Id"); sid != "" && resp.StatusCode < 300 {
		if del, err := http.NewRequestWithContext(ctx, http.MethodDelete, serverURL, nil); err == nil {
			del.Header.Set("Mcp-Session-Id", sid)
			if r, err := c.Do(del); err == nil {
				r.Body.Close()
			}
		}
	}
	return resp, nil
}

// OAuthParams is the result of [BuildOAuthParams]: everything needed to send
// the user to the authorization server and turn the redirect back into a
// token. It is safe for concurrent use.
type OAuthParams struct {
	serverURL   string
	redirectURL string
	resource    string
	scopes      []string
	asm         *oauthex.AuthServerMeta
	reg         *Registration
	hc          *http.Client
	store       TokenStore
	storeScopes []string

	mu      sync.Mutex
	pending map[string]string // state → PKCE verifier
}

// BuildOAuthParams discovers how to log in to the MCP server at serverURL:
// it probes the server for its challenge, reads its protected-resource
// metadata and its authorization server's metadata (with the OpenID and
// 2025-03-26 fallbacks), and registers a client (authorization_code and
// refresh_token grants) unless [WithClientID] gives one or [WithStore] has
// one. redirectURL must be http on a loopback host. Options:
// [WithHTTPClient], [WithClientID] and [WithClientSecret], [WithScopes],
// [WithStore], [WithClientName] (default "mcprun").
func BuildOAuthParams(ctx context.Context, serverURL, redirectURL string, opts ...Option) (*OAuthParams, error) {
	o, err := buildOptions(forParams, opts)
	if err != nil {
		return nil, err
	}
	hc := guarded(o.httpClient)
	if o.clientName == "" {
		o.clientName = "mcprun"
	}
	if err := checkLoopbackRedirect(redirectURL); err != nil {
		return nil, stepErr("registration", err)
	}
	challenges, _, err := probe(ctx, serverURL, hc)
	if err != nil {
		return nil, err
	}
	d, err := discover(ctx, serverURL, challenges, hc)
	if err != nil {
		return nil, err
	}
	p := &OAuthParams{
		serverURL: serverURL, redirectURL: redirectURL, resource: d.prm.Resource, asm: d.asm,
		hc: hc, store: o.store, storeScopes: o.scopes, pending: map[string]string{},
	}
	p.scopes = slices.Clone(o.scopes)
	if len(p.scopes) == 0 {
		p.scopes = scopesFromChallenges(challenges)
	}
	if len(p.scopes) == 0 {
		p.scopes = slices.Clone(d.prm.ScopesSupported)
	}
	if slices.Contains(d.asm.ScopesSupported, "offline_access") && !slices.Contains(p.scopes, "offline_access") {
		p.scopes = append(p.scopes, "offline_access")
	}

	var rec *Record
	if o.store != nil {
		if r, err := o.store.Load(ctx, serverURL, o.scopes); err == nil {
			rec = r
		}
	}
	switch {
	case o.clientID != "":
		p.reg = &Registration{ClientID: o.clientID, ClientSecret: o.clientSecret,
			AuthMethod: secretMethod(d.asm.TokenEndpointAuthMethodsSupported, o.clientSecret != "")}
	case rec != nil && rec.Client != nil && rec.Client.ClientID != "" &&
		(rec.Client.Issuer == "" || issuersEqual(rec.Client.Issuer, d.asm.Issuer)) &&
		(rec.Client.RedirectURI == "" || rec.Client.RedirectURI == redirectURL):
		r := *rec.Client
		p.reg = &r
	default:
		r, err := register(ctx, d.asm, redirectURL, o.clientName, hc)
		if err != nil {
			return nil, err
		}
		p.reg = r
	}
	p.reg.Issuer = d.asm.Issuer
	p.reg.AuthURL = d.asm.AuthorizationEndpoint
	p.reg.TokenURL = d.asm.TokenEndpoint
	p.reg.RedirectURI = redirectURL
	p.reg.Resource = p.resource
	p.reg.Scopes = slices.Clone(p.scopes)
	if o.store != nil && o.clientID == "" {
		if rec == nil {
			rec = &Record{Server: serverURL, Scopes: o.scopes}
		}
		r := *p.reg
		rec.Client = &r
		if err := o.store.Save(ctx, rec); err != nil {
			return nil, stepErr("registration", fmt.Errorf("storing the registration: %w", sanitize(err)))
		}
	}
	return p, nil
}

// Registration returns the client registration (a copy), for
// [Handler.SetToken].
func (p *OAuthParams) Registration() *Registration {
	r := *p.reg
	r.Scopes = slices.Clone(r.Scopes)
	return &r
}

// Scopes returns the scopes the authorization URL requests.
func (p *OAuthParams) Scopes() []string { return slices.Clone(p.scopes) }

// Resource returns the resource indicator sent in the authorization and
// token requests (the MCP server's canonical URL).
func (p *OAuthParams) Resource() string { return p.resource }

// Issuer returns the authorization server's issuer.
func (p *OAuthParams) Issuer() string { return p.asm.Issuer }

func (p *OAuthParams) config() *oauth2.Config {
	c := oauthConfig(p.reg)
	c.Scopes = slices.Clone(p.scopes)
	return c
}

// AuthURL returns a login URL and its state: a fresh random state and PKCE
// S256 challenge, the resource parameter and the scopes. Each call starts
// a new attempt; [OAuthParams.Exchange] accepts any state it handed out,
// once.
func (p *OAuthParams) AuthURL() (authURL, state string, err error) {
	if !slices.Contains(p.asm.CodeChallengeMethodsSupported, "S256") && len(p.asm.CodeChallengeMethodsSupported) > 0 {
		return "", "", stepErr("authorize", fmt.Errorf("authorization server %s does not support PKCE S256", p.asm.Issuer))
	}
	verifier := oauth2.GenerateVerifier()
	state = rand.Text()
	authURL = p.config().AuthCodeURL(state,
		oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("resource", p.resource))
	p.mu.Lock()
	p.pending[state] = verifier
	p.mu.Unlock()
	return authURL, state, nil
}

// Exchange turns the redirect to the callback (the full URL, or just its
// query) into a token: it checks the error parameter, the state (which must
// be one [OAuthParams.AuthURL] returned) and the issuer (where the server
// advertises it, or when present), then exchanges the code with the PKCE
// verifier and the resource parameter. With [WithStore] the token is stored.
func (p *OAuthParams) Exchange(ctx context.Context, callbackURL, state string) (*oauth2.Token, error) {
	u, err := url.Parse(callbackURL)
	if err != nil {
		return nil, stepErr("callback", fmt.Errorf("%w: unparsable callback URL", ErrCallback))
	}
	q := u.Query()
	if u.RawQuery == "" && !strings.Contains(callbackURL, "?") {
		q, _ = url.ParseQuery(callbackURL)
	}
	res, err := parseCallback(q)
	if err != nil {
		return nil, err
	}
	tok, err := p.exchange(ctx, res, state)
	if err != nil {
		return nil, err
	}
	if p.store != nil {
		rec := &Record{Server: p.serverURL, Scopes: p.storeScopes, Token: tok, Client: p.Registration()}
		if err := p.store.Save(ctx, rec); err != nil {
			return tok, stepErr("exchange", fmt.Errorf("storing the token: %w", sanitize(err)))
		}
	}
	return tok, nil
}

// exchange checks a callback's state (one [OAuthParams.AuthURL] handed out,
// used once) and iss, then redeems the code with the PKCE verifier and the
// resource parameter.
func (p *OAuthParams) exchange(ctx context.Context, res *auth.AuthorizationResult, state string) (*oauth2.Token, error) {
	if res == nil || res.Code == "" {
		return nil, stepErr("callback", fmt.Errorf("%w: no code", ErrCallback))
	}
	p.mu.Lock()
	verifier, ok := p.pending[state]
	if ok && subtle.ConstantTimeCompare([]byte(res.State), []byte(state)) == 1 {
		delete(p.pending, state)
	} else {
		ok = false
	}
	p.mu.Unlock()
	if !ok || state == "" {
		return nil, stepErr("callback", fmt.Errorf("%w: state mismatch", ErrCallback))
	}
	if err := checkIss(res.Iss, p.asm); err != nil {
		return nil, stepErr("callback", err)
	}
	cctx := context.WithValue(ctx, oauth2.HTTPClient, p.hc)
	tok, err := p.config().Exchange(cctx, res.Code,
		oauth2.VerifierOption(verifier),
		oauth2.SetAuthURLParam("resource", p.resource))
	if err != nil {
		return nil, stepErr("exchange", sanitize(err))
	}
	return tok, nil
}

// Refresh exchanges tok's refresh token for a new token.
func (p *OAuthParams) Refresh(ctx context.Context, tok *oauth2.Token) (*oauth2.Token, error) {
	if tok == nil || tok.RefreshToken == "" {
		return nil, stepErr("refresh", errors.New("no refresh token"))
	}
	t := *tok
	t.AccessToken, t.Expiry = "", time.Time{}
	cctx := context.WithValue(ctx, oauth2.HTTPClient, p.hc)
	nt, err := p.config().TokenSource(cctx, &t).Token()
	if err != nil {
		return nil, stepErr("refresh", sanitize(err))
	}
	return nt, nil
}

// checkIss applies RFC 9207: an advertised iss is required; a present iss
// must match the issuer.
func checkIss(iss string, asm *oauthex.AuthServerMeta) error {
	if iss == "" {
		if asm.AuthorizationResponseIssParameterSupported {
			return fmt.Errorf("%w: authorization server advertises the iss parameter but the callback has none", ErrCallback)
		}
		return nil
	}
	if iss != asm.Issuer {
		return fmt.Errorf("%w: callback issuer %q is not %q", ErrCallback, iss, asm.Issuer)
	}
	return nil
}
