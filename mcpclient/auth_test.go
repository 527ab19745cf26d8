package mcpclient

import (
	"context"
	"net/http"
	"net/http/httptest"
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
	c := NewStreamableHTTP(HTTPParams{URL: ts.URL}, WithOAuthHandler(oh))
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
	c = NewStreamableHTTP(HTTPParams{URL: ts.URL, Headers: map[string]string{"Authorization": "Bearer static"}}, WithRoundTripper(rt))
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
