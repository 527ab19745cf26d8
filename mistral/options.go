package mistral

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Option configures a Client. Options apply in order (a later one wins) and
// each checks its argument: NewClient returns the first option's error,
// wrapped, and never replaces an invalid value by a default.
type Option func(*options) error

// options is what the Options set; its zero value is every default.
type options struct {
	apiKey     string
	serverURL  string
	http       *http.Client
	maxRetries *int
	backoffMin time.Duration
	backoffMax time.Duration
	maxEvent   int
	maxAnswer  int64
	userAgent  string
	log        *slog.Logger

	idle         *time.Duration // nil: DefaultIdleTimeout
	maxRetryWait time.Duration
	maxRetryTime time.Duration
	plainHTTP    bool
	maxIdleConns int // 0: DefaultMaxIdleConns
}

// WithAPIKey sets the API key, sent as a bearer token. An empty key is an
// error: leave the option out for a server that needs none (a local
// mistraltest server).
func WithAPIKey(key string) Option {
	return func(o *options) error {
		if key == "" {
			return errors.New("WithAPIKey: empty key")
		}
		o.apiKey = key
		return nil
	}
}

// WithServerURL sets the API's base URL, an absolute http or https URL
// (default DefaultServerURL). Tests point it at a mistraltest server.
func WithServerURL(u string) Option {
	return func(o *options) error {
		s, err := checkServerURL(u)
		if err != nil {
			return fmt.Errorf("WithServerURL: %w", err)
		}
		o.serverURL = s
		return nil
	}
}

// AllowPlainHTTP lets the server URL be plain http on a host other than
// loopback, which sends the API key and every conversation in clear. By
// default such a URL is an error matching [ErrPlainHTTP]; http on
// 127.0.0.0/8, ::1 or localhost (a local mistraltest server) is always
// allowed.
func AllowPlainHTTP() Option {
	return func(o *options) error {
		o.plainHTTP = true
		return nil
	}
}

// FromEnv reads the API key from MISTRAL_API_KEY and the server URL from
// MISTRAL_SERVER_URL, when they are set and not empty. It is the only way
// this package reads the environment, and only when asked: NewClient alone
// reads nothing. Like every option it applies in order, so an option after
// it (a command-line flag, say) overrides what it read. An invalid
// MISTRAL_SERVER_URL is an error naming the variable.
func FromEnv() Option {
	return func(o *options) error {
		if k := os.Getenv("MISTRAL_API_KEY"); k != "" {
			o.apiKey = k
		}
		if u := os.Getenv("MISTRAL_SERVER_URL"); u != "" {
			s, err := checkServerURL(u)
			if err != nil {
				return fmt.Errorf("FromEnv: MISTRAL_SERVER_URL: %w", err)
			}
			o.serverURL = s
		}
		return nil
	}
}

// WithHTTPClient sets the HTTP client that sends every request, used as
// given: its Transport (proxies, TLS, a wrapping RoundTripper), Jar,
// CheckRedirect and Timeout all apply. The default is a client without a
// Timeout, because a Timeout bounds a whole exchange, a long stream
// included; give deadlines through contexts instead.
func WithHTTPClient(h *http.Client) Option {
	return func(o *options) error {
		if h == nil {
			return errors.New("WithHTTPClient: nil client")
		}
		o.http = h
		return nil
	}
}

// WithMaxRetries sets how often a failed request (429, 5xx, a refused
// connection, a reset read) is retried (default 4; 0 turns retries off).
// A negative count is an error.
func WithMaxRetries(n int) Option {
	return func(o *options) error {
		if n < 0 {
			return fmt.Errorf("WithMaxRetries: negative count %d", n)
		}
		o.maxRetries = &n
		return nil
	}
}

// WithRetryBackoff sets the first and the longest wait between retries
// (default 500ms and 30s); the wait doubles from initial up to maxWait, with
// jitter. Retry-After, when the server sends it, wins, within the caps of
// [WithRetryLimits].
// Both must be positive and initial at most maxWait.
func WithRetryBackoff(initial, maxWait time.Duration) Option {
	return func(o *options) error {
		if initial <= 0 || maxWait <= 0 || initial > maxWait {
			return fmt.Errorf("WithRetryBackoff: need 0 < initial <= max, got %v and %v", initial, maxWait)
		}
		o.backoffMin, o.backoffMax = initial, maxWait
		return nil
	}
}

// WithLogger sets the logger (default: discard). Retries are logged at Warn.
// Keys and tokens are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return errors.New("WithLogger: nil logger")
		}
		o.log = l
		return nil
	}
}

// WithUserAgent sets the User-Agent header (default "mcprun/VERSION (go;
// OS/ARCH)", the version from the build information).
func WithUserAgent(ua string) Option {
	return func(o *options) error {
		if ua == "" {
			return errors.New("WithUserAgent: empty user agent")
		}
		o.userAgent = ua
		return nil
	}
}

// WithMaxEventSize caps one streamed event, in bytes (default 16 MiB); a
// larger event ends the stream with ErrEventTooLarge.
func WithMaxEventSize(n int) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("WithMaxEventSize: size must be positive, got %d", n)
		}
		o.maxEvent = n
		return nil
	}
}

// DefaultMaxAnswerSize bounds a non-streamed answer: a conversation's
// answer is kilobytes, and a few megabytes with documents or long tool
// results; 64 MiB leaves room for those while keeping a runaway answer from
// taking the process's memory (reading and decoding one takes about three
// times its size).
const DefaultMaxAnswerSize = 64 << 20

// WithMaxAnswerSize caps a non-streamed answer, in bytes (default
// [DefaultMaxAnswerSize]); a larger one fails the call with
// [ErrAnswerTooLarge], unread when its Content-Length says so.
func WithMaxAnswerSize(n int64) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("WithMaxAnswerSize: size must be positive, got %d", n)
		}
		o.maxAnswer = n
		return nil
	}
}

// checkServerURL accepts an absolute http or https URL without a query or
// fragment and returns it without a trailing slash.
func checkServerURL(raw string) (string, error) {
	s := strings.TrimRight(raw, "/")
	u, err := url.Parse(s)
	if err == nil && u.User != nil {
		// Not quoted back: the URL holds a secret.
		return "", errors.New("invalid server URL: it must not carry credentials (use WithAPIKey)")
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("invalid server URL %q: want an absolute http or https URL", raw)
	}
	return s, nil
}
