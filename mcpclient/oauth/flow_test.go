package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// follow GETs authURL without following redirects and returns the Location.
func follow(t *testing.T, authURL string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if loc == "" {
		t.Fatalf("authorize answered %s without a redirect", resp.Status)
	}
	return loc
}

func TestReferenceFlow(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)

	need, err := RequiresAuth(ctx, f.mcpURL())
	if err != nil || !need {
		t.Fatalf("RequiresAuth(protected) = %v, %v", need, err)
	}
	open := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server {
		return mcp.NewServer(&mcp.Implementation{Name: "open", Version: "1"}, nil)
	}, nil))
	defer open.Close()
	if need, err := RequiresAuth(ctx, open.URL); err != nil || need {
		t.Fatalf("RequiresAuth(open) = %v, %v", need, err)
	}
	if _, err := RequiresAuth(ctx, "http://127.0.0.1:1/mcp"); err == nil {
		t.Error("RequiresAuth of an unreachable server did not fail")
	} else if se := (*StepError)(nil); !errors.As(err, &se) || se.Step != "probe" {
		t.Errorf("unreachable: %v, want a probe step error", err)
	}

	store := NewMemoryStore()
	p, err := BuildOAuthParams(ctx, f.mcpURL(), testRedirect, WithStore(store))
	if err != nil {
		t.Fatal(err)
	}
	if p.Resource() != f.mcpURL() || p.Issuer() != f.as.URL {
		t.Errorf("resource %q issuer %q", p.Resource(), p.Issuer())
	}
	authURL, state, err := p.AuthURL()
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") != state ||
		q.Get("resource") != f.mcpURL() || q.Get("redirect_uri") != testRedirect || !strings.Contains(q.Get("scope"), "mcp:tools") {
		t.Fatalf("authorization URL query %v", q)
	}
	_, state2, _ := p.AuthURL()
	if state2 == state {
		t.Error("two AuthURL calls gave the same state")
	}

	cb := follow(t, authURL)
	// A wrong state is refused before any exchange.
	if _, err := p.Exchange(ctx, cb, state2); !errors.Is(err, ErrCallback) {
		t.Errorf("Exchange with another state: %v", err)
	}
	tok, err := p.Exchange(ctx, cb, state)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatal("no tokens")
	}
	// A state is good once.
	if _, err := p.Exchange(ctx, cb, state); !errors.Is(err, ErrCallback) {
		t.Errorf("Exchange replay: %v", err)
	}
	if reg, _, exch, _ := f.counts(); reg != 1 || exch != 1 {
		t.Errorf("registrations=%d exchanges=%d", reg, exch)
	}
	// Refresh, as the reference's refresh_auth_token.
	tok2, err := p.Refresh(ctx, tok)
	if err != nil || tok2.AccessToken == tok.AccessToken {
		t.Fatalf("Refresh: %v", err)
	}

	// SetToken hands the token to a handler whose fetcher must not run.
	h, err := NewHandler(f.mcpURL(), testRedirect, func(context.Context, *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
		t.Error("login ran after SetToken")
		return nil, errors.New("no login")
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.SetToken(ctx, tok2, p.Registration()); err != nil {
		t.Fatal(err)
	}
	c := mustClient(mcpclient.NewHTTP(f.mcpURL(), mcpclient.WithHTTPTransport(mcpclient.Streamable), mcpclient.WithOAuthHandler(h)))
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	// The registration it got lets it refresh on a 401.
	f.revokeAccess()
	if res, err := c.CallTool(ctx, "whoami", nil); err != nil || res.IsError {
		t.Fatalf("call after revokeAccess: %v %+v", err, res)
	}

	// The stored registration is reused by the next BuildOAuthParams.
	p2, err := BuildOAuthParams(ctx, f.mcpURL(), testRedirect, WithStore(store))
	if err != nil {
		t.Fatal(err)
	}
	if p2.Registration().ClientID != p.Registration().ClientID {
		t.Error("BuildOAuthParams registered again despite the stored registration")
	}
	if reg, _, _, _ := f.counts(); reg != 1 {
		t.Errorf("registrations=%d, want 1", reg)
	}
	rec, err := store.Load(ctx, f.mcpURL(), nil)
	if err != nil || rec.Token == nil || rec.Token.AccessToken != tok.AccessToken {
		t.Errorf("Exchange did not store the token: %v", err)
	}
}

func TestReferenceFlowCallbackErrors(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	p, err := BuildOAuthParams(ctx, f.mcpURL(), testRedirect)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, query, want string
	}{
		{"error param", "error=access_denied&error_description=no", "access_denied"},
		{"no code", "iss=x", "no code"},
		{"wrong iss", "code=c&iss=https%3A%2F%2Fevil.example.com", "issuer"},
		{"missing advertised iss", "code=c", "iss"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, state, _ := p.AuthURL()
			_, err := p.Exchange(ctx, testRedirect+"?"+tc.query+"&state="+state, state)
			var se *StepError
			if !errors.Is(err, ErrCallback) || !errors.As(err, &se) || se.Step != "callback" || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want a callback step error mentioning %q", err, tc.want)
			}
		})
	}
	if _, _, exch, _ := f.counts(); exch != 0 {
		t.Errorf("%d exchanges after bad callbacks", exch)
	}
	// Pre-registered clients skip registration.
	if _, err := BuildOAuthParams(ctx, f.mcpURL(), testRedirect, WithClientID("pre")); err != nil {
		t.Fatal(err)
	}
	if reg, _, _, _ := f.counts(); reg != 1 {
		t.Errorf("registrations=%d, want 1", reg)
	}
}
