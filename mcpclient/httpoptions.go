package mcpclient

import (
	"net/http"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
)

// The options below apply to [NewHTTP] only; given to another constructor
// they are an error.

// WithHTTPTransport makes [NewHTTP] speak one transport only: [Streamable]
// or [SSE]. The default, [Auto], tries Streamable HTTP and falls back to
// legacy SSE. Any other value is an error. HTTP only.
func WithHTTPTransport(t HTTPTransport) Option {
	return func(o *options) error {
		o.onlyFor(familyHTTP, "WithHTTPTransport")
		if t != Auto && t != Streamable && t != SSE {
			return optErr("WithHTTPTransport", "unknown transport %d", int(t))
		}
		o.transport = t
		return nil
	}
}

// WithHeaders sets headers on every HTTP request (an API key, say), unless
// the request already has that header (the OAuth handler's Authorization
// wins). Later WithHeaders calls add to earlier ones. An invalid header
// name, or a value containing a line break or NUL, is an error. HTTP only.
func WithHeaders(h map[string]string) Option {
	return func(o *options) error {
		o.onlyFor(familyHTTP, "WithHeaders")
		for k, v := range h {
			if !validHeaderName(k) {
				return optErr("WithHeaders", "invalid header name %q", k)
			}
			if strings.ContainsAny(v, "\r\n\x00") {
				return optErr("WithHeaders", "value of %s contains a line break or NUL", k)
			}
		}
		if o.headers == nil {
			o.headers = make(map[string]string, len(h))
		}
		for k, v := range h {
			o.headers[http.CanonicalHeaderKey(k)] = v
		}
		return nil
	}
}

// validHeaderName reports whether k is an HTTP token (RFC 9110 §5.6.2).
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("!#$%&'*+-.^_`|~", r):
		default:
			return false
		}
	}
	return true
}

// WithDialTimeout bounds dialing and the TLS handshake of each HTTP
// connection; by default they have the net/http defaults. Requests are
// bounded by [WithCallTimeout] and [WithConnectTimeout]; long-lived event
// streams are not cut. d <= 0 is an error, and so is giving it with a
// [WithHTTPClient] client that has its own Transport (set the timeout
// there). HTTP only.
func WithDialTimeout(d time.Duration) Option {
	return func(o *options) error {
		o.onlyFor(familyHTTP, "WithDialTimeout")
		if d <= 0 {
			return optErr("WithDialTimeout", "duration %s is not positive", d)
		}
		o.dialTimeout = d
		return nil
	}
}

// WithSSEReadTimeout ends a legacy SSE event stream that stays silent for
// d (the supervisor then reconnects); by default a stream may stay silent
// for ever. d <= 0 is an error, and so is giving it with [Streamable]
// forced. HTTP only.
func WithSSEReadTimeout(d time.Duration) Option {
	return func(o *options) error {
		o.onlyFor(familyHTTP, "WithSSEReadTimeout")
		if d <= 0 {
			return optErr("WithSSEReadTimeout", "duration %s is not positive", d)
		}
		o.sseReadTimeout = d
		return nil
	}
}

// WithHTTPClient sets the HTTP client the transports use. Its Transport
// (http.DefaultTransport if nil) is the innermost layer every request goes
// through, wrapped by headers, [WithRoundTripper] and OAuth; the client
// itself is not modified, and its Timeout is not used (it would cut event
// streams: see [WithCallTimeout]). A nil client is an error. HTTP only.
func WithHTTPClient(c *http.Client) Option {
	return func(o *options) error {
		o.onlyFor(familyHTTP, "WithHTTPClient")
		if c == nil {
			return optErr("WithHTTPClient", "nil client")
		}
		o.httpClient = c
		return nil
	}
}

// WithRoundTripper adds a layer that every HTTP request of both transports
// goes through: wrap is called once, at construction, with the transport
// the layer must pass requests on to (the [WithHTTPClient] client's
// Transport, or the client's own, already wrapped by earlier
// WithRoundTripper layers), and returns the layer. The layer wraps that
// transport; it never replaces it, so nothing given elsewhere (the HTTP
// client's transport, [WithDialTimeout]) is lost. Static headers
// ([WithHeaders]) are set before a request reaches the layers. It is the
// slot for authentication other than [WithOAuthHandler], for tracing and
// for tests. A nil wrap, or one that returns nil, is an error. HTTP only.
func WithRoundTripper(wrap func(next http.RoundTripper) http.RoundTripper) Option {
	return func(o *options) error {
		o.onlyFor(familyHTTP, "WithRoundTripper")
		if wrap == nil {
			return optErr("WithRoundTripper", "nil function")
		}
		o.wrappers = append(o.wrappers, wrap)
		return nil
	}
}

// WithOAuthHandler authenticates the client with h (see the go-sdk's auth
// package; mcpclient/oauth provides handlers). The Streamable HTTP
// transport uses it as its OAuth handler; on the legacy SSE transport the
// client does the same itself: the handler's token as a bearer token on
// every request, and on a 401 or 403 a call to h.Authorize and one retry.
// A nil handler is an error. HTTP only.
func WithOAuthHandler(h auth.OAuthHandler) Option {
	return func(o *options) error {
		o.onlyFor(familyHTTP, "WithOAuthHandler")
		if h == nil {
			return optErr("WithOAuthHandler", "nil handler")
		}
		o.oauth = h
		return nil
	}
}
