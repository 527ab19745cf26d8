package oauth

import (
	"errors"
	"fmt"
	"net/http"
)

// guarded returns a copy of c (nil: http.DefaultClient) whose redirects
// keep credentials where they were sent: a POST (token, registration,
// revocation and client credentials requests carry codes, verifiers,
// secrets and refresh tokens) is never redirected, and a GET (metadata,
// probes) follows at most five redirects on its own origin, never from
// HTTPS to HTTP.
func guarded(c *http.Client) *http.Client {
	if c == nil {
		c = http.DefaultClient
	}
	g := *c //nolint:govet // copying the config, not a lock
	g.CheckRedirect = checkRedirect
	return &g
}

// errRedirect is matched by a refused redirect.
var errRedirect = errors.New("redirect not followed")

func checkRedirect(r *http.Request, via []*http.Request) error {
	first := via[0]
	switch {
	case first.Method != http.MethodGet:
		return fmt.Errorf("oauth: %s %s answered with a redirect to %s: %w (credentials are sent only where they were addressed)", first.Method, first.URL.Redacted(), r.URL.Redacted(), errRedirect)
	case len(via) >= 5:
		return fmt.Errorf("oauth: %s: too many redirects: %w", first.URL.Redacted(), errRedirect)
	case r.URL.Scheme != first.URL.Scheme || r.URL.Host != first.URL.Host:
		return fmt.Errorf("oauth: %s redirected to another origin (%s): %w", first.URL.Redacted(), r.URL.Redacted(), errRedirect)
	}
	return nil
}
