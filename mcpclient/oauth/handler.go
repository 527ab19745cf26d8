package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
)

// Handler implements the go-sdk's auth.OAuthHandler for one MCP server, for
// mcpclient.WithOAuthHandler. It wraps auth.AuthorizationCodeHandler
// (discovery, PKCE, state and iss checks, step-up) and adds what that handler
// lacks: a dynamic client registration done once, stored and handed back as a
// pre-registered client; tokens stored and refreshed (before expiry, and on a
// 401); a revoked refresh token leading back to one login. For a server without protected-resource metadata (the 2025-03-26
// specification) and for a public client at a server that lists only "none"
// for the token endpoint, it runs the login itself with the reference flow's
// code, as strictly (see [Handler.Authorize]). The two flows live in
// sdkflow.go and ownflow.go; the client registration both use in
// registration.go.
//
// A Handler is safe for concurrent use; concurrent 401s share one login.
type Handler struct {
	serverURL   string
	redirectURL string
	fetch       auth.AuthorizationCodeFetcher
	cfg         options
	log         *slog.Logger

	loginMu sync.Mutex // serialises Authorize

	mu        sync.Mutex
	rec       *Record
	loaded    bool
	loadErr   error              // a store refusing to be read as it is (ErrInsecureFile)
	ts        oauth2.TokenSource // persisting token source, nil before login
	inner     *auth.AuthorizationCodeHandler
	innerReg  *Registration
	refreshed string // access token most recently produced by a forced refresh
}

var _ auth.OAuthHandler = (*Handler)(nil)

// NewHandler returns a handler for the MCP server at serverURL (the URL the
// transport connects to; it names the resource in the authorization
// request). redirectURL is the loopback redirect URI registered with the
// authorization server (see [LoopbackFetcher.RedirectURL]): http on
// 127.0.0.1, [::1] or localhost. fetch sends the user to the authorization
// URL and returns the code (a [LoopbackFetcher]'s Fetch, or a
// [RedirectFollower]'s in tests).
//
// Options: [WithStore] (default: a [MemoryStore]), [WithScopes],
// [WithClientName] (default "mcprun"), [WithClientID] and
// [WithClientSecret] for a pre-registered client, [WithClientIDMetadataURL],
// [WithHTTPClient], [WithLogger].
func NewHandler(serverURL, redirectURL string, fetch auth.AuthorizationCodeFetcher, opts ...Option) (*Handler, error) {
	if serverURL == "" {
		return nil, errors.New("oauth: NewHandler: empty server URL")
	}
	if fetch == nil {
		return nil, errors.New("oauth: NewHandler: nil fetcher")
	}
	if redirectURL == "" {
		return nil, errors.New("oauth: NewHandler: empty redirect URL")
	}
	if err := checkLoopbackRedirect(redirectURL); err != nil {
		return nil, fmt.Errorf("oauth: %w", err)
	}
	cfg, err := buildOptions(forHandler, opts)
	if err != nil {
		return nil, err
	}
	lg := cfg.prepare("server", serverURL)
	if cfg.clientName == "" {
		cfg.clientName = "mcprun"
	}
	if cfg.store == nil {
		cfg.store = NewMemoryStore()
	}
	return &Handler{serverURL: serverURL, redirectURL: redirectURL, fetch: fetch, cfg: cfg, log: lg}, nil
}

// ServerURL returns the MCP server URL the handler authenticates to.
func (h *Handler) ServerURL() string { return h.serverURL }

// load reads the stored record once. Called with h.mu held.
func (h *Handler) load(ctx context.Context) {
	if h.loaded {
		return
	}
	h.loaded = true
	h.rec = &Record{Server: h.serverURL, Scopes: h.cfg.scopes}
	rec, err := h.cfg.store.Load(ctx, h.serverURL, h.cfg.scopes)
	if err != nil {
		if errors.Is(err, ErrInsecureFile) {
			// Not silently a new login: say why the stored one is not used.
			h.loadErr = err
		} else if !errors.Is(err, ErrNotFound) {
			h.log.Warn("oauth: reading stored credentials", "store", h.cfg.store.Name(), "err", sanitize(err))
		}
		return
	}
	rec.Server, rec.Scopes = h.serverURL, h.cfg.scopes
	h.rec = rec
	if usable(rec.Token) {
		h.ts = h.persisting(rec.Client, rec.Token)
		h.log.Debug("oauth: using stored token", "store", h.cfg.store.Name())
	}
}

// usable reports whether tok can give an access token (now or by refresh).
func usable(tok *oauth2.Token) bool {
	return tok != nil && (tok.AccessToken != "" || tok.RefreshToken != "")
}

func oauthConfig(r *Registration) *oauth2.Config {
	if r == nil {
		return &oauth2.Config{}
	}
	secret := r.ClientSecret
	if r.AuthMethod == "none" {
		// A public client authenticates with its client_id alone, even if
		// the server handed out a secret it did not ask for.
		secret = ""
	}
	return &oauth2.Config{
		ClientID:     r.ClientID,
		ClientSecret: secret,
		Endpoint:     oauth2.Endpoint{AuthURL: r.AuthURL, TokenURL: r.TokenURL, AuthStyle: authStyle(r.AuthMethod)},
		RedirectURL:  r.RedirectURI,
		Scopes:       r.Scopes,
	}
}

func authStyle(method string) oauth2.AuthStyle {
	switch method {
	case "client_secret_post", "none":
		return oauth2.AuthStyleInParams
	case "client_secret_basic":
		return oauth2.AuthStyleInHeader
	}
	return oauth2.AuthStyleAutoDetect
}

// persisting returns the token source of tok: it hands out tok while it is
// valid, then refreshes it through reg (see [Handler.refresh]), which
// stores every new token. Without a registration it can only hand out tok.
// Called with h.mu held.
func (h *Handler) persisting(reg *Registration, tok *oauth2.Token) oauth2.TokenSource {
	return &persistingSource{h: h, reg: reg, tok: tok}
}

type persistingSource struct {
	h   *Handler
	reg *Registration
	mu  sync.Mutex // one refresh at a time
	tok *oauth2.Token
}

func (p *persistingSource) Token() (*oauth2.Token, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tok.Valid() || p.reg == nil || p.reg.TokenURL == "" {
		if p.tok.AccessToken == "" {
			p.h.dropToken(p)
			return nil, stepErr("refresh", errors.New("no access token"))
		}
		return p.tok, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
	defer cancel()
	tok, err := p.h.refresh(ctx, p.reg, p.tok)
	if err != nil {
		if refused(err) {
			// The authorization server refused the refresh token: forget
			// it, so the next request goes without a token, gets a 401,
			// and the handler logs in again.
			p.h.dropToken(p)
		}
		return nil, stepErr("refresh", sanitize(err))
	}
	p.tok = tok
	p.h.tokenChanged(p, tok)
	return tok, nil
}

// tokenChanged records tok (already stored) if src is still the handler's
// token source.
func (h *Handler) tokenChanged(src *persistingSource, tok *oauth2.Token) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ts != src {
		return
	}
	h.rec.Token = tok
	h.log.Debug("oauth: refreshed token before expiry")
}

// dropToken forgets the token if src is still the handler's token source.
// The store forgot it already, if it still held it (see [Handler.refresh]).
func (h *Handler) dropToken(src *persistingSource) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ts != src {
		return
	}
	h.log.Info("oauth: refresh token refused; a new login is needed")
	h.ts = nil
	h.rec.Token = nil
}

func (h *Handler) saveLocked() {
	if err := h.cfg.store.Save(context.Background(), h.rec); err != nil {
		h.log.Warn("oauth: saving credentials", "store", h.cfg.store.Name(), "err", sanitize(err))
	}
}

// TokenSource implements auth.OAuthHandler. It returns nil before the first
// login (the transport then sends no Authorization header).
func (h *Handler) TokenSource(ctx context.Context) (oauth2.TokenSource, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.load(ctx)
	if h.loadErr != nil {
		return nil, h.loadErr
	}
	if h.ts == nil {
		return nil, nil
	}
	return h.ts, nil
}

// SetToken makes tok the handler's token and stores it, with reg (may be
// nil to keep the stored registration) so the token can be refreshed. It is
// the last step of the reference flow: see [OAuthParams.Exchange] and
// [OAuthParams.Registration].
func (h *Handler) SetToken(ctx context.Context, tok *oauth2.Token, reg *Registration) error {
	if !usable(tok) {
		return errors.New("oauth: SetToken: empty token")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.load(ctx)
	if reg != nil {
		r := *reg
		h.rec.Client = &r
	}
	h.rec.Token = tok
	h.ts = h.persisting(h.rec.Client, tok)
	h.refreshed = ""
	if err := h.cfg.store.Save(ctx, h.rec); err != nil {
		return fmt.Errorf("oauth: storing token: %w", sanitize(err))
	}
	return nil
}

// Authorize implements auth.OAuthHandler. On a 401 it first tries the
// refresh token (unless the rejected token is one a refresh just produced);
// when that fails or there is none it runs the whole login through the
// go-sdk handler and the configured fetcher. A server without
// protected-resource metadata gets 2025-03-26 discovery: the metadata at
// its origin's /.well-known/oauth-authorization-server, whose issuer may
// differ from the origin (the go-sdk would refuse it); the login then runs
// without the go-sdk handler, with the same checks (HTTPS-or-loopback
// endpoints, PKCE S256, state, iss against the advertised issuer). A 403 runs the login only for
// insufficient_scope (step-up). It closes resp.Body.
func (h *Handler) Authorize(ctx context.Context, req *http.Request, resp *http.Response) error {
	challenges, stepUp, act, err := readRefusal(resp)
	if err != nil || !act {
		return err
	}
	rejected := accessTokenOf(req)

	h.loginMu.Lock()
	defer h.loginMu.Unlock()

	h.mu.Lock()
	h.load(ctx)
	cur := h.currentAccessLocked()
	h.mu.Unlock()
	if !stepUp && cur != "" && cur != rejected {
		// Another request refreshed or logged in while this one waited.
		return nil
	}
	if !stepUp && h.tryRefresh(ctx, rejected) {
		return nil
	}
	return h.login(ctx, req, resp.StatusCode, resp.Header, challenges)
}

// currentAccessLocked returns the unexpired stored access token, or "".
func (h *Handler) currentAccessLocked() string {
	t := h.rec.Token
	if h.ts == nil || t == nil || t.AccessToken == "" || (!t.Expiry.IsZero() && time.Until(t.Expiry) < 10*time.Second) {
		return ""
	}
	return t.AccessToken
}

// accessTokenOf is the access token req carried (a Bearer or a DPoP
// one), or "".
func accessTokenOf(req *http.Request) string {
	if req == nil {
		return ""
	}
	a := req.Header.Get("Authorization")
	for _, scheme := range []string{"bearer ", "dpop "} {
		if len(a) > len(scheme) && strings.EqualFold(a[:len(scheme)], scheme) {
			return strings.TrimSpace(a[len(scheme):])
		}
	}
	return ""
}

// tryRefresh forces a refresh unless the rejected token came from a forced
// refresh (so a server that rejects fresh tokens leads to a login, not a
// loop). It reports whether a new token is ready.
func (h *Handler) tryRefresh(ctx context.Context, rejected string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	t := h.rec.Token
	if t == nil || t.RefreshToken == "" || h.rec.Client == nil || h.rec.Client.TokenURL == "" ||
		(rejected != "" && rejected == h.refreshed) {
		return false
	}
	tok, err := h.refresh(ctx, h.rec.Client, t)
	if err != nil {
		h.log.Info("oauth: refresh after 401 failed; logging in again", "err", sanitize(err))
		if refused(err) {
			// A revoked refresh token is useless: forget it.
			h.rec.Token = nil
			h.ts = nil
		}
		return false
	}
	h.rec.Token = tok
	h.refreshed = tok.AccessToken
	h.ts = h.persisting(h.rec.Client, tok)
	h.log.Debug("oauth: refreshed token after 401")
	return true
}

// login runs the authorization-code flow: through the go-sdk handler
// (sdkflow.go) where it can serve the server and client, else our own
// (ownflow.go); with a client registration of our own either way
// (registration.go), stored and reused.
func (h *Handler) login(ctx context.Context, req *http.Request, status int, hdr http.Header, challenges []oauthex.Challenge) error {
	d, err := discover(ctx, h.serverURL, challenges, h.cfg.httpClient)
	if err != nil {
		return err
	}
	why := h.ownFlowReason(d)
	if why != "" {
		h.log.Info("oauth: authorization required; starting login ("+why+")", "issuer", d.asm.Issuer)
		err = h.ownLogin(ctx, d, challenges, status == http.StatusForbidden)
	} else {
		h.log.Info("oauth: authorization required; starting login", "issuer", d.asm.Issuer)
		err = h.sdkLogin(ctx, d, req, status, hdr)
	}
	if err != nil {
		return err
	}
	h.log.Info("oauth: login complete", "issuer", d.asm.Issuer)
	return nil
}

// setTokenLocked makes tok, granted for scopes, the handler's token and
// stores it. Called with h.mu held.
func (h *Handler) setTokenLocked(scopes []string, tok *oauth2.Token) {
	if h.rec.Client != nil {
		h.rec.Client.Scopes = slices.Clone(scopes)
	}
	h.rec.Token = tok
	h.ts = h.persisting(h.rec.Client, tok)
	h.refreshed = ""
	h.saveLocked()
}
