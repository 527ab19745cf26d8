package mcpclient

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"golang.org/x/oauth2"
)

// staticOAuth is an auth.OAuthHandler with a fixed token.
type staticOAuth struct{ authorized atomic.Int32 }

func (h *staticOAuth) TokenSource(context.Context) (oauth2.TokenSource, error) {
	return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok-123", TokenType: "Bearer"}), nil
}

func (h *staticOAuth) Authorize(context.Context, *http.Request, *http.Response) error {
	h.authorized.Add(1)
	return nil
}

// countingRT counts requests and passes them on.
type countingRT struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (rt *countingRT) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.n.Add(1)
	return rt.next.RoundTrip(r)
}

func TestAuthSlots(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	srv := newGoServer()
	var mu sync.Mutex
	auths := map[string]int{}
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		auths[r.Header.Get("Authorization")]++
		mu.Unlock()
		h.ServeHTTP(w, r)
	}))
	defer ts.Close()

	// WithOAuthHandler: the Streamable HTTP transport adds the bearer token.
	oh := &staticOAuth{}
	c := must(NewHTTP(ts.URL, WithHTTPTransport(Streamable), WithOAuthHandler(oh)))
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	c.Close()
	mu.Lock()
	if auths["Bearer tok-123"] == 0 || auths[""] != 0 {
		t.Errorf("Authorization headers seen: %v", auths)
	}
	mu.Unlock()

	// WithRoundTripper: every request goes through it (after headers).
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	rt := &countingRT{next: tr}
	c = must(NewHTTP(ts.URL, WithHTTPTransport(Streamable), WithHeaders(map[string]string{"Authorization": "Bearer static"}), WithRoundTripper(func(next http.RoundTripper) http.RoundTripper { rt.next = next; return rt })))
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	c.Close()
	tr.CloseIdleConnections()
	if rt.n.Load() == 0 {
		t.Error("the RoundTripper saw no request")
	}
	mu.Lock()
	if auths["Bearer static"] == 0 {
		t.Errorf("static Authorization header not sent: %v", auths)
	}
	mu.Unlock()
	ts.Close()
}

// lazyOAuth has a token only after Authorize, as a handler that logs in on
// the first 401 does.
type lazyOAuth struct{ authorized atomic.Int32 }

func (h *lazyOAuth) TokenSource(context.Context) (oauth2.TokenSource, error) {
	if h.authorized.Load() == 0 {
		return nil, nil
	}
	return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok-456", TokenType: "Bearer"}), nil
}

func (h *lazyOAuth) Authorize(_ context.Context, _ *http.Request, resp *http.Response) error {
	resp.Body.Close()
	h.authorized.Add(1)
	return nil
}

// The HTTP options work on the legacy SSE transport too, forced or
// fallen back to: the OAuth handler (token, Authorize on a 401, retry),
// headers, and a RoundTripper layer that wraps the HTTP client's transport.
func TestHTTPOptionsOnSSE(t *testing.T) {
	noLeaks(t)
	ctx := ctxT(t)
	srv := newGoServer()
	sse := mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	var mu sync.Mutex
	seen := map[string]int{} // "Authorization|X-Api-Key" of each request
	var streams atomic.Int32 // authorized event streams (GET)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Header.Get("Authorization")+"|"+r.Header.Get("X-Api-Key")]++
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer tok-456" {
			w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="`+"http://"+r.Host+`/.well-known/oauth-protected-resource"`)
			http.Error(w, "login first", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodGet {
			streams.Add(1)
		}
		sse.ServeHTTP(w, r)
	}))
	defer ts.Close()

	// Forced SSE: the first GET gets a 401, Authorize runs, the retry
	// carries the token.
	oh := &lazyOAuth{}
	c := must(NewHTTP(ts.URL, WithHTTPTransport(SSE), WithOAuthHandler(oh), WithHeaders(map[string]string{"X-Api-Key": "k"})))
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if res, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"authorized"}`)); err != nil || res.Text != "authorized" {
		t.Fatalf("echo = %+v, %v", res, err)
	}
	c.Close()
	if oh.authorized.Load() != 1 {
		t.Errorf("Authorize called %d times, want 1", oh.authorized.Load())
	}
	mu.Lock()
	if seen["|k"] != 1 || seen["Bearer tok-456|k"] < 2 || len(seen) != 2 {
		t.Errorf("requests seen (Authorization|X-Api-Key): %v, want one refused, then all with the token and the key", seen)
	}
	clear(seen)
	mu.Unlock()
	streams.Store(0)

	// Auto (the POST authorized through the go-sdk's slot, refused by
	// this SSE-only server, then a fallback to SSE), with an HTTP client whose transport counts, and a layer that
	// counts too: both see every request; the layer is given the client's
	// transport.
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	inner := &countingRT{next: tr}
	outer := &countingRT{}
	var given http.RoundTripper
	oh = &lazyOAuth{}
	c = must(NewHTTP(ts.URL, WithName("fallback"), WithOAuthHandler(oh), WithHeaders(map[string]string{"X-Api-Key": "k"}),
		WithHTTPClient(&http.Client{Transport: inner}),
		WithRoundTripper(func(next http.RoundTripper) http.RoundTripper { given = next; outer.next = next; return outer })))
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	c.Close()
	tr.CloseIdleConnections()
	if streams.Load() == 0 {
		t.Error("no SSE event stream: NewHTTP did not fall back")
	}
	if given != http.RoundTripper(inner) {
		t.Errorf("WithRoundTripper was given %T, want the HTTP client's transport", given)
	}
	if n, m := inner.n.Load(), outer.n.Load(); n == 0 || n != m {
		t.Errorf("requests through the client's transport: %d, through the layer: %d; want the same, not 0", n, m)
	}
	mu.Lock()
	if seen["Bearer tok-456|k"] == 0 {
		t.Errorf("requests seen: %v, want some with the token and the key", seen)
	}
	for k := range seen {
		if !strings.HasSuffix(k, "|k") {
			t.Errorf("a request without the header: %q", k)
		}
	}
	mu.Unlock()
	ts.Close()
}
