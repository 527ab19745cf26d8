package mistral

import (
	"errors"
	"net/http"
)

// DefaultMaxIdleConns is how many idle connections to the API a Client
// keeps for reuse unless [WithMaxIdleConns] says otherwise.
const DefaultMaxIdleConns = 256

// WithMaxIdleConns sets how many idle connections to the API the client
// keeps for reuse (default [DefaultMaxIdleConns]). Go's default transport
// keeps 2 per host: with many runs at once, most requests would open a new
// connection (a TCP and a TLS handshake). n < 1 is an error, and so is
// giving it together with [WithHTTPClient], whose transport is the
// caller's to tune.
func WithMaxIdleConns(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return errors.New("WithMaxIdleConns: fewer than 1 connection")
		}
		o.maxIdleConns = n
		return nil
	}
}

// newTransport is Go's default transport (proxies, timeouts, HTTP/2) with
// room for maxIdle idle connections to the API's host.
func newTransport(maxIdle int) http.RoundTripper {
	d, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultTransport // replaced by the program: its choice
	}
	t := d.Clone()
	t.MaxIdleConns = maxIdle
	t.MaxIdleConnsPerHost = maxIdle
	return t
}

// Header values set on every request, made once: net/http keeps them as
// they are.
var (
	headerJSON   = []string{"application/json"}
	headerStream = []string{"text/event-stream"}
)
