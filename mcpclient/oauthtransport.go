package mcpclient

import (
	"errors"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"golang.org/x/oauth2"
)

// oauthTransport gives the legacy SSE transport, which has no OAuth slot,
// what the go-sdk's Streamable HTTP transport does with an OAuth handler:
// the handler's bearer token on every request, and on a 401 or 403 a call
// to Authorize and one retry. A request whose body cannot be replayed is
// not retried.
type oauthTransport struct {
	h    auth.OAuthHandler
	next http.RoundTripper
}

func (t *oauthTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	r, err := t.authorized(req, replayable)
	if err != nil {
		closeBody(req)
		return nil, err
	}
	if replayable {
		closeBody(req) // copies from GetBody are sent instead
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil || !replayable || (resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusForbidden) {
		return resp, err
	}
	// Authorize closes resp's body.
	if err := t.h.Authorize(req.Context(), r, resp); err != nil {
		return nil, err
	}
	r, err = t.authorized(req, true)
	if err != nil {
		return nil, err
	}
	return t.next.RoundTrip(r)
}

// authorized returns a copy of req with the handler's bearer token (and a
// fresh body, if it can be replayed).
func (t *oauthTransport) authorized(req *http.Request, replayable bool) (*http.Request, error) {
	r := req.Clone(req.Context())
	if replayable && req.Body != nil && req.Body != http.NoBody {
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
	if ts == nil {
		return r, nil
	}
	tok, err := ts.Token()
	if err != nil {
		// As the go-sdk does: a refused refresh (invalid_grant) goes on
		// without a token, so that the 401 leads to Authorize.
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.ErrorCode == "invalid_grant" {
			return r, nil
		}
		return nil, err
	}
	if tok != nil && tok.AccessToken != "" {
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	}
	return r, nil
}

func closeBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
