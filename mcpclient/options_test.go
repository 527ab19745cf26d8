package mcpclient

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Invalid options, and options that do not apply to the transport, make
// the constructors fail; nothing is silently ignored.
func TestOptionErrors(t *testing.T) {
	srv := mcp.NewServer(&mcp.Implementation{Name: "s", Version: "1"}, nil)
	stdio := func(opts ...Option) error { _, err := NewStdio(testServerBin, nil, opts...); return err }
	httpc := func(opts ...Option) error { _, err := NewHTTP("http://127.0.0.1:1/mcp", opts...); return err }
	mem := func(opts ...Option) error { _, err := NewInMemory(srv, opts...); return err }
	for _, tc := range []struct {
		name string
		make func(...Option) error
		opt  Option
		want string
	}{
		{"empty name", mem, WithName(""), "WithName: empty name"},
		{"nil logger", mem, WithLogger(nil), "nil logger"},
		{"negative connect timeout", mem, WithConnectTimeout(-time.Second), "WithConnectTimeout: negative"},
		{"negative call timeout", stdio, WithCallTimeout(-1), "WithCallTimeout: negative"},
		{"negative reconnect", httpc, WithReconnect(-1), "WithReconnect: negative"},
		{"nil progress", mem, WithProgress(nil), "nil function"},
		{"nil option", mem, nil, "nil Option"},
		{"env name", stdio, WithEnv(map[string]string{"A=B": "c"}), "invalid variable name"},
		{"empty dir", stdio, WithDir(""), "empty directory"},
		{"zero stderr limit", stdio, WithStderrLimit(0), "not positive"},
		{"zero terminate timeout", stdio, WithTerminateTimeout(0), "not positive"},
		{"header name", httpc, WithHeaders(map[string]string{"Bad Name": "v"}), "invalid header name"},
		{"header value", httpc, WithHeaders(map[string]string{"X-K": "a\r\nb"}), "line break"},
		{"zero dial timeout", httpc, WithDialTimeout(0), "not positive"},
		{"negative read timeout", httpc, WithSSEReadTimeout(-1), "not positive"},
		{"nil http client", httpc, WithHTTPClient(nil), "nil client"},
		{"nil round tripper", httpc, WithRoundTripper(nil), "nil function"},
		{"round tripper returns nil", httpc, WithRoundTripper(func(http.RoundTripper) http.RoundTripper { return nil }), "returned nil"},
		{"nil oauth", httpc, WithOAuthHandler(nil), "nil handler"},
		{"unknown transport", httpc, WithHTTPTransport(7), "unknown transport"},
		// Options for another transport.
		{"env on http", httpc, WithEnv(map[string]string{"A": "b"}), "WithEnv applies to NewStdio clients only"},
		{"dir on in-memory", mem, WithDir("/"), "WithDir applies to NewStdio clients only"},
		{"headers on stdio", stdio, WithHeaders(map[string]string{"X-K": "v"}), "WithHeaders applies to NewHTTP clients only"},
		{"oauth on stdio", stdio, WithOAuthHandler(&staticOAuth{}), "WithOAuthHandler applies to NewHTTP clients only"},
		{"transport on in-memory", mem, WithHTTPTransport(SSE), "WithHTTPTransport applies to NewHTTP clients only"},
		{"stderr limit on http", httpc, WithStderrLimit(10), "WithStderrLimit applies to NewStdio clients only"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.make(tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "mcpclient: ") {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}

	// Combinations that cannot work.
	if err := httpc(WithHTTPTransport(Streamable), WithSSEReadTimeout(time.Second)); err == nil || !strings.Contains(err.Error(), "Streamable is forced") {
		t.Errorf("SSE read timeout with Streamable forced: %v", err)
	}
	if err := httpc(WithHTTPClient(&http.Client{Transport: &http.Transport{}}), WithDialTimeout(time.Second)); err == nil || !strings.Contains(err.Error(), "WithDialTimeout") {
		t.Errorf("dial timeout with a client's own transport: %v", err)
	}
	// Bad required arguments.
	if _, err := NewStdio("", nil); err == nil {
		t.Error("NewStdio with no command succeeded")
	}
	for _, u := range []string{"", "mcp.example.com/mcp", "ftp://x/y", "http://"} {
		if _, err := NewHTTP(u); err == nil {
			t.Errorf("NewHTTP(%q) succeeded", u)
		}
	}
	if _, err := NewInMemory(nil); err == nil {
		t.Error("NewInMemory(nil) succeeded")
	}
	// The zero of every option is valid; so are the documented zeros.
	if err := httpc(WithConnectTimeout(0), WithCallTimeout(0), WithReconnect(0), WithHTTPTransport(Auto)); err != nil {
		t.Errorf("valid zeros: %v", err)
	}
}

// WithDialTimeout reaches the client's own transport, whichever HTTP
// transport the client speaks.
func TestDialTimeoutApplies(t *testing.T) {
	for _, tr := range []HTTPTransport{Auto, Streamable, SSE} {
		c := must(NewHTTP("http://127.0.0.1:1/mcp", WithHTTPTransport(tr), WithDialTimeout(3*time.Second)))
		if c.httpTr == nil || c.httpTr.TLSHandshakeTimeout != 3*time.Second || c.httpTr.DialContext == nil {
			t.Errorf("%v: own transport %+v, want the dial and TLS timeouts set", tr, c.httpTr)
		}
		c.Close()
	}
}
