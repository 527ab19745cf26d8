package oauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// legacyServer is a 2025-03-26 MCP server: one origin serving the MCP
// endpoint (/mcp, bearer-protected), authorization server metadata at
// /.well-known/oauth-authorization-server whose issuer is <origin>/oauth
// with its endpoints under /oauth (the conformance suite's
// auth/2025-03-26-oauth-metadata-backcompat server), and — unless prm is
// set — no protected-resource metadata.
type legacyServer struct {
	srv *httptest.Server

	mu          sync.Mutex
	prm         bool   // serve protected-resource metadata naming the origin
	issPath     string // the issuer's path ("/oauth")
	cbIss       string // iss sent in the callback ("" for none)
	tokenURL    string // token_endpoint override
	noS256      bool   // advertise only "plain"
	metaFetches int
	authQueries []url.Values
	tokenForms  []url.Values
	codes       map[string]string // code → challenge
	access      map[string]bool
	clients     map[string]bool
}

func newLegacyServer(t *testing.T) *legacyServer {
	t.Helper()
	l := &legacyServer{issPath: "/oauth", codes: map[string]string{}, access: map[string]bool{}, clients: map[string]bool{}}
	srv := mcp.NewServer(&mcp.Implementation{Name: "legacy", Version: "1"}, nil)
	mcp.AddTool(srv, &mcp.Tool{Name: "whoami", Description: "says hi"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "hello"}}}, nil, nil
	})
	verify := func(_ context.Context, tok string, _ *http.Request) (*auth.TokenInfo, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if !l.access[tok] {
			return nil, auth.ErrInvalidToken
		}
		return &auth.TokenInfo{Expiration: time.Now().Add(time.Hour)}, nil
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", auth.RequireBearerToken(verify, nil)(
		mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)))
	mux.HandleFunc("/", l.serveOAuth)
	l.srv = httptest.NewServer(mux)
	t.Cleanup(l.srv.Close)
	return l
}

func (l *legacyServer) mcpURL() string { return l.srv.URL + "/mcp" }
func (l *legacyServer) issuer() string { return l.srv.URL + l.issPath }

func (l *legacyServer) serveOAuth(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	o := l.srv.URL
	switch r.URL.Path {
	case "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource":
		if !l.prm {
			http.NotFound(w, r)
			return
		}
		writeJSON(w, 200, &oauthex.ProtectedResourceMetadata{Resource: o + "/mcp", AuthorizationServers: []string{o}})
	case "/.well-known/oauth-authorization-server":
		l.metaFetches++
		methods := []string{"S256"}
		if l.noS256 {
			methods = []string{"plain"}
		}
		tokenURL := o + l.issPath + "/token"
		if l.tokenURL != "" {
			tokenURL = l.tokenURL
		}
		writeJSON(w, 200, map[string]any{
			"issuer":                                l.issuer(),
			"authorization_endpoint":                o + l.issPath + "/authorize",
			"token_endpoint":                        tokenURL,
			"registration_endpoint":                 o + l.issPath + "/register",
			"response_types_supported":              []string{"code"},
			"code_challenge_methods_supported":      methods,
			"token_endpoint_auth_methods_supported": []string{"none"},
		})
	case l.issPath + "/register":
		id := "client-" + rand.Text()[:8]
		l.clients[id] = true
		writeJSON(w, 201, map[string]any{"client_id": id, "token_endpoint_auth_method": "none"})
	case l.issPath + "/authorize":
		q := r.URL.Query()
		l.authQueries = append(l.authQueries, q)
		if !l.clients[q.Get("client_id")] || q.Get("code_challenge_method") != "S256" {
			http.Error(w, "unknown client or no PKCE S256", 400)
			return
		}
		code := "CODE-" + rand.Text()
		l.codes[code] = q.Get("code_challenge")
		back, _ := url.Parse(q.Get("redirect_uri"))
		v := url.Values{"code": {code}, "state": {q.Get("state")}}
		if l.cbIss != "" {
			v.Set("iss", l.cbIss)
		}
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	case l.issPath + "/token":
		_ = r.ParseForm()
		l.tokenForms = append(l.tokenForms, r.PostForm)
		challenge, ok := l.codes[r.PostForm.Get("code")]
		delete(l.codes, r.PostForm.Get("code"))
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != challenge {
			writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
			return
		}
		at := "AT-" + rand.Text()
		l.access[at] = true
		writeJSON(w, 200, map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 3600})
	default:
		http.NotFound(w, r)
	}
}

func legacyHandler(t *testing.T, l *legacyServer, fetch auth.AuthorizationCodeFetcher) *Handler {
	t.Helper()
	if fetch == nil {
		fetch = (&RedirectFollower{}).Fetch
	}
	h, err := NewHandler(l.mcpURL(), testRedirect, fetch)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// A 2025-03-26 server (no protected-resource metadata) whose metadata, at
// its origin, advertises an issuer with a path: accepted, and the rest of
// the flow is as strict as ever.
func TestLegacyMetadataIssuerWithPath(t *testing.T) {
	ctx := ctxT(t)
	l := newLegacyServer(t)
	l.cbIss = l.issuer()

	h := legacyHandler(t, l, nil)
	c := mcpclientFor(l.mcpURL(), h)
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if res, err := c.CallTool(ctx, "whoami", nil); err != nil || res.IsError || res.Text != "hello" {
		t.Fatalf("whoami: %v %+v", err, res)
	}
	l.mu.Lock()
	if len(l.authQueries) != 1 || len(l.tokenForms) != 1 {
		t.Fatalf("authorizes=%d token requests=%d, want 1 1", len(l.authQueries), len(l.tokenForms))
	}
	q, form := l.authQueries[0], l.tokenForms[0]
	l.mu.Unlock()
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) < 43 || len(q.Get("state")) < 16 {
		t.Errorf("authorization request without PKCE S256 or a random state: %v", q)
	}
	if q.Get("resource") != l.mcpURL() || form.Get("resource") != l.mcpURL() || form.Get("code_verifier") == "" {
		t.Errorf("resource %q / %q, verifier set %v", q.Get("resource"), form.Get("resource"), form.Get("code_verifier") != "")
	}
	if reg := h.rec.Client; reg == nil || reg.Issuer != l.issuer() || reg.TokenURL != l.issuer()+"/token" {
		t.Errorf("stored registration %+v, want issuer %s", reg, l.issuer())
	}

	// The reference flow takes the same path.
	p, err := BuildOAuthParams(ctx, l.mcpURL(), testRedirect)
	if err != nil {
		t.Fatal(err)
	}
	if p.Issuer() != l.issuer() || p.Resource() != l.mcpURL() {
		t.Errorf("issuer %q resource %q", p.Issuer(), p.Resource())
	}
	authURL, state, err := p.AuthURL()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(authURL, l.issuer()+"/authorize?") {
		t.Errorf("authorization URL %s", authURL)
	}
	if tok, err := p.Exchange(ctx, follow(t, authURL), state); err != nil || tok.AccessToken == "" {
		t.Fatalf("Exchange: %v", err)
	}
}

// The callback's iss is checked against the issuer the legacy metadata
// advertised: the origin itself is not it.
func TestLegacyCallbackIssChecked(t *testing.T) {
	ctx := ctxT(t)
	l := newLegacyServer(t)
	l.cbIss = l.srv.URL // not <origin>/oauth

	p, err := BuildOAuthParams(ctx, l.mcpURL(), testRedirect)
	if err != nil {
		t.Fatal(err)
	}
	authURL, state, _ := p.AuthURL()
	if _, err := p.Exchange(ctx, follow(t, authURL), state); !errors.Is(err, ErrCallback) || !strings.Contains(err.Error(), "issuer") {
		t.Errorf("Exchange with the wrong iss: %v", err)
	}

	h := legacyHandler(t, l, nil)
	c := mcpclientFor(l.mcpURL(), h)
	defer c.Close()
	err = c.Connect(ctx)
	var se *StepError
	if err == nil || !errors.As(err, &se) || se.Step != "callback" {
		t.Errorf("Connect with the wrong iss: %v, want a callback step error", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.tokenForms) != 0 {
		t.Errorf("%d token requests after a wrong iss", len(l.tokenForms))
	}
}

// Legacy metadata must still name HTTPS (or loopback) endpoints and offer
// PKCE S256.
func TestLegacyMetadataStillValidated(t *testing.T) {
	ctx := ctxT(t)
	for _, tc := range []struct {
		name string
		set  func(*legacyServer)
		want string
	}{
		{"plain HTTP token endpoint", func(l *legacyServer) { l.tokenURL = "http://as.example.com/token" }, "HTTPS"},
		{"no S256", func(l *legacyServer) { l.noS256 = true }, "S256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLegacyServer(t)
			tc.set(l)
			_, err := BuildOAuthParams(ctx, l.mcpURL(), testRedirect)
			var se *StepError
			if err == nil || !errors.As(err, &se) || se.Step != "auth-server-metadata" || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("BuildOAuthParams: %v, want an auth-server-metadata error about %s", err, tc.want)
			}
			h := legacyHandler(t, l, func(context.Context, *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
				t.Error("fetcher called")
				return nil, errors.New("no")
			})
			c := mcpclientFor(l.mcpURL(), h)
			defer c.Close()
			if err := c.Connect(ctx); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Connect: %v, want an error about %s", err, tc.want)
			}
		})
	}
}

// With protected-resource metadata (the modern path), the same metadata
// document is refused: its issuer is not the authorization server URL the
// resource named (RFC 8414 §3.3), and nothing is registered or authorized.
func TestModernPathRefusesIssuerMismatch(t *testing.T) {
	ctx := ctxT(t)
	l := newLegacyServer(t)
	l.prm = true
	l.cbIss = l.issuer()

	_, err := BuildOAuthParams(ctx, l.mcpURL(), testRedirect)
	var se *StepError
	if err == nil || !errors.As(err, &se) || se.Step != "auth-server-metadata" || !strings.Contains(err.Error(), "issuer") {
		t.Errorf("BuildOAuthParams: %v, want an auth-server-metadata error about the issuer", err)
	}
	h := legacyHandler(t, l, func(context.Context, *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
		t.Error("fetcher called")
		return nil, errors.New("no")
	})
	c := mcpclientFor(l.mcpURL(), h)
	defer c.Close()
	if err := c.Connect(ctx); err == nil || !strings.Contains(err.Error(), "issuer") {
		t.Errorf("Connect: %v, want an error about the issuer", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.metaFetches == 0 {
		t.Error("the authorization server metadata was never fetched")
	}
	if len(l.clients) != 0 || len(l.authQueries) != 0 || len(l.tokenForms) != 0 {
		t.Errorf("registrations=%d authorizes=%d token requests=%d after a refused issuer", len(l.clients), len(l.authQueries), len(l.tokenForms))
	}
}

func mcpclientFor(serverURL string, h *Handler) *mcpclient.Client {
	return mustClient(mcpclient.NewHTTP(serverURL, mcpclient.WithHTTPTransport(mcpclient.Streamable), mcpclient.WithOAuthHandler(h), mcpclient.WithReconnect(0)))
}
