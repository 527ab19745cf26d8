package oauth

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
)

// A grantSession is what the handlers that run a grant on a 401 (client
// credentials, JWT bearer) keep: the current token source and the scopes
// it was asked for. One grant runs at a time.
type grantSession struct {
	grantMu sync.Mutex // serialises authorize

	mu     sync.Mutex
	ts     oauth2.TokenSource // reuses the token, a new grant on expiry
	scopes []string           // requested by the last grant
}

// tokenSource is the current source: nil before the first grant (the
// transport then sends no Authorization header, and the server's 401 leads
// to authorize).
func (s *grantSession) tokenSource() (oauth2.TokenSource, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ts == nil {
		return nil, nil
	}
	return s.ts, nil
}

// A grantFunc runs a grant at the authorization server of d, for the
// challenges of the refusal; stepUp says the refusal was a 403
// insufficient_scope, and prev are the scopes of the last grant. It returns
// the token, the source of the next ones (a new grant each time), and the
// scopes asked for.
type grantFunc func(ctx context.Context, d *discovery, challenges []oauthex.Challenge, stepUp bool, prev []string) (*oauth2.Token, oauth2.TokenSource, []string, error)

// authorize answers a refusal of serverURL: on a 401 it runs grant, unless
// another request already has a token the server did not reject; a 403
// runs it only for insufficient_scope. It closes resp.Body.
func (s *grantSession) authorize(ctx context.Context, req *http.Request, resp *http.Response, serverURL string, c *http.Client, grant grantFunc) error {
	challenges, stepUp, act, err := readRefusal(resp)
	if err != nil || !act {
		return err
	}
	rejected := accessTokenOf(req)

	s.grantMu.Lock()
	defer s.grantMu.Unlock()

	s.mu.Lock()
	ts, prev := s.ts, s.scopes
	s.mu.Unlock()
	if ts != nil && !stepUp {
		// The current token, or a new one if it expired: if it is not the
		// one the server refused, the request can be retried with it.
		if tok, err := ts.Token(); err == nil && tok.AccessToken != rejected {
			return nil
		}
	}
	d, err := discover(ctx, serverURL, challenges, c)
	if err != nil {
		return err
	}
	if d.asm.TokenEndpoint == "" {
		return stepErr("auth-server-metadata", fmt.Errorf("authorization server %s has no token endpoint", d.asm.Issuer))
	}
	tok, next, scopes, err := grant(ctx, d, challenges, stepUp, prev)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.ts = oauth2.ReuseTokenSource(tok, next)
	s.scopes = scopes
	s.mu.Unlock()
	return nil
}

// detachedToken runs token outside any request's context (an expired
// token is replaced when the transport next asks for one), bounded.
func detachedToken(token func(context.Context) (*oauth2.Token, error)) (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return token(ctx)
}

// prepare finishes a handler's options: its HTTP client refuses redirects
// that would carry credentials elsewhere and, with DPoP, proves possession;
// it returns the handler's logger (discarding when none was given) with
// attrs.
func (cfg *options) prepare(attrs ...any) *slog.Logger {
	cfg.httpClient = guarded(cfg.httpClient)
	if cfg.dpop != nil {
		cfg.httpClient = cfg.dpop.client(cfg.httpClient)
	}
	lg := cfg.logger
	if lg == nil {
		lg = slog.New(slog.DiscardHandler)
	}
	return lg.With(attrs...)
}
