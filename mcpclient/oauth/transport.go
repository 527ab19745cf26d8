package oauth

import (
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/auth"
)

// Transport returns a RoundTripper that authenticates requests through h, for
// transports without an OAuth handler slot (legacy SSE: pass it to
// mcpclient.WithRoundTripper). It adds the bearer token, and on a 401 (or a
// 403 insufficient_scope) runs [Handler.Authorize] — refresh, else login —
// and sends the request once more. A request whose body cannot be replayed
// is not retried. base nil means http.DefaultTransport.
func (h *Handler) Transport(base http.RoundTripper) http.RoundTripper {
	return newRoundTripper(h, base)
}

func newRoundTripper(h auth.OAuthHandler, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &roundTripper{h: h, base: base}
}

// roundTripper authenticates requests through an OAuth handler ([Handler]
// or [ClientCredentialsHandler]).
type roundTripper struct {
	h    auth.OAuthHandler
	base http.RoundTripper
}

func (t *roundTripper) authorized(req *http.Request) (*http.Request, error) {
	r := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody && req.GetBody != nil {
		b, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = b
	}
	ts, err := t.h.TokenSource(req.Context())
	if err != nil {
		return nil, err
	}
	if ts != nil {
		// A refused refresh is dropped by the token source: go on without
		// a token, so the 401 below leads to a login.
		if tok, err := ts.Token(); err == nil && tok.AccessToken != "" {
			r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		}
	}
	return r, nil
}

func (t *roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	r, err := t.authorized(req)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	if replayable {
		closeBody(req) // the copies from GetBody are sent instead
	} else {
		r.Body = req.Body
	}
	resp, err := t.base.RoundTrip(r)
	if err != nil || !replayable || !needsAuth(resp) {
		return resp, err
	}
	if err := t.h.Authorize(req.Context(), r, resp); err != nil {
		return nil, err
	}
	r, err = t.authorized(req)
	if err != nil {
		return nil, err
	}
	return t.base.RoundTrip(r)
}

// needsAuth reports whether resp asks for (more) authorization.
func needsAuth(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		return true
	case http.StatusForbidden:
		cs, err := parseChallenges(resp.Header)
		return err == nil && errorFromChallenges(cs) == "insufficient_scope"
	}
	return false
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
