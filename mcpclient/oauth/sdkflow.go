package oauth

// The login through the go-sdk's auth.AuthorizationCodeHandler, for
// servers with protected-resource metadata and clients it authenticates
// correctly; its errors are classified by the step they came from.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
)

// sdkLogin logs in through the go-sdk handler, configured for the
// discovered authorization server (see [Handler.innerFor]).
func (h *Handler) sdkLogin(ctx context.Context, d *discovery, req *http.Request, status int, hdr http.Header) error {
	inner, err := h.innerFor(ctx, d)
	if err != nil {
		return err
	}
	// The go-sdk handler takes the resource from the request URL; an SSE
	// message POST has another URL than the server's, so give it ours.
	r2, err := http.NewRequestWithContext(ctx, http.MethodPost, h.serverURL, nil)
	if err != nil {
		return stepErr("authorize", err)
	}
	if req != nil {
		r2.Header = req.Header.Clone()
	}
	// It reads only the status and headers; the body is gone.
	clone := &http.Response{StatusCode: status, Header: hdr, Body: http.NoBody, Request: r2}
	at := &sdkAttempt{}
	if err := inner.Authorize(context.WithValue(ctx, sdkAttemptKey{}, at), r2, clone); err != nil {
		return at.stepErr(err)
	}
	h.mu.Lock()
	ok := h.ts != nil
	h.mu.Unlock()
	if !ok {
		return stepErr("exchange", errors.New("no token after login"))
	}
	return nil
}

// An sdkAttempt follows one login through the go-sdk handler, to say which
// step an error came from: the go-sdk's errors are plain text, but what
// it did before failing is seen by the fetcher and the HTTP client we give
// it, which find the attempt in the context of the call.
type sdkAttempt struct {
	fetching   atomic.Bool // the fetcher was called: discovery is over
	fetched    atomic.Bool // the fetcher returned a code
	exchanging atomic.Bool // a request went out after the code: the token exchange
}

type sdkAttemptKey struct{}

func attemptOf(ctx context.Context) *sdkAttempt {
	a, _ := ctx.Value(sdkAttemptKey{}).(*sdkAttempt)
	return a
}

// stepErr names the step err came from:
//   - before the fetcher ran, the go-sdk's own discovery of the
//     authorization server ("auth-server-metadata");
//   - from the fetcher, its own step ([fetchErr]);
//   - after a code came back and before any request, the go-sdk's checks
//     of the callback (state, iss): "callback", matching [ErrCallback];
//   - from the token request on, or an *oauth2.RetrieveError: "exchange".
func (a *sdkAttempt) stepErr(err error) error {
	var se *StepError
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &se):
		return sanitize(err)
	case errors.As(err, &re) || a.exchanging.Load():
		return stepErr("exchange", sanitize(err))
	case a.fetched.Load():
		return stepErr("callback", fmt.Errorf("%w: %s", ErrCallback, redact(err.Error())))
	case a.fetching.Load():
		return fetchErr(err)
	}
	return stepErr("auth-server-metadata", sanitize(err))
}

// fetchErr names the step of a fetcher's error: its own [StepError], a bad
// callback ([ErrCallback]), else the authorization step (the user never
// came back, the browser could not be opened).
func fetchErr(err error) error {
	var se *StepError
	switch {
	case errors.As(err, &se):
		return sanitize(err)
	case errors.Is(err, ErrCallback):
		return stepErr("callback", sanitize(err))
	}
	return stepErr("authorize", sanitize(err))
}

// attemptFetcher is the fetcher the go-sdk handler calls: the configured
// one, noting the attempt's progress.
func (h *Handler) attemptFetcher(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
	a := attemptOf(ctx)
	if a != nil {
		a.fetching.Store(true)
	}
	res, err := h.fetch(ctx, args)
	if err == nil && a != nil {
		a.fetched.Store(true)
	}
	return res, err
}

// attemptTransport notes a request made after the code came back: the
// token exchange.
type attemptTransport struct{ next http.RoundTripper }

func (t attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if a := attemptOf(req.Context()); a != nil && a.fetched.Load() {
		a.exchanging.Store(true)
	}
	return t.next.RoundTrip(req)
}

// attemptClient is h's HTTP client with an [attemptTransport].
func (h *Handler) attemptClient() *http.Client {
	c := *h.cfg.httpClient //nolint:govet // copying the config, not a lock
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = attemptTransport{next}
	return &c
}

// innerFor returns the go-sdk handler configured with our registration for
// the discovered authorization server, registering first if needed.
func (h *Handler) innerFor(ctx context.Context, d *discovery) (*auth.AuthorizationCodeHandler, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	reg := h.storedClientLocked(ctx, d)
	if reg != nil && h.inner != nil && h.innerReg == reg {
		return h.inner, nil
	}
	reg, usesCIMD, err := h.clientLocked(ctx, d, reg)
	if err != nil {
		return nil, err
	}
	cfg := &auth.AuthorizationCodeHandlerConfig{
		RedirectURL:              h.redirectURL,
		AuthorizationCodeFetcher: h.attemptFetcher,
		RequestRefreshToken:      true,
		Client:                   h.attemptClient(),
	}
	if usesCIMD {
		cfg.ClientIDMetadataDocumentConfig = &auth.ClientIDMetadataDocumentConfig{URL: h.cfg.clientIDMetadataURL}
	} else {
		creds := &oauthex.ClientCredentials{ClientID: reg.ClientID}
		if reg.ClientSecret != "" {
			creds.ClientSecretAuth = &oauthex.ClientSecretAuth{ClientSecret: reg.ClientSecret}
		}
		cfg.PreregisteredClient = creds
	}
	cfg.NewTokenSource = func(_ context.Context, oc *oauth2.Config, tok *oauth2.Token) (oauth2.TokenSource, error) {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.setTokenLocked(oc.Scopes, tok)
		return h.ts, nil
	}
	inner, err := auth.NewAuthorizationCodeHandler(cfg)
	if err != nil {
		return nil, stepErr("registration", sanitize(err))
	}
	h.inner, h.innerReg = inner, reg
	return inner, nil
}
