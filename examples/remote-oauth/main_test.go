package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mcpclient/oauth"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// projectsServer is the MCP server the model uses: one tool.
func projectsServer() *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: "projects", Version: "1.0.0"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "list_projects", Description: "Lists the workspace's projects."},
		func(ctx context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "Apollo, Gemini"}}}, nil, nil
		})
	return s
}

func projectsModel(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
	if res, ok := t.ResultOf("list_projects"); ok {
		return mistraltest.Respond(mistraltest.Text("Your projects: " + res + ".")), nil
	}
	return mistraltest.Respond(mistraltest.Call("list_projects", map[string]any{})), nil
}

// fakeAuth is an in-process OAuth authorization server (metadata, dynamic
// registration, authorize that approves at once, token with PKCE) and an
// MCP server behind the go-sdk's RequireBearerToken, both on loopback: a
// cut-down copy of mcpclient/oauth's test server.
type fakeAuth struct {
	as, rs *httptest.Server

	mu      sync.Mutex
	clients map[string]string // client_id → redirect URI
	codes   map[string]string // code → PKCE challenge
	tokens  map[string]bool
	logins  int
}

func newFakeAuth(t *testing.T) *fakeAuth {
	f := &fakeAuth{clients: map[string]string{}, codes: map[string]string{}, tokens: map[string]bool{}}
	f.as = httptest.NewServer(http.HandlerFunc(f.serveAS))
	t.Cleanup(f.as.Close)
	mux := http.NewServeMux()
	f.rs = httptest.NewServer(mux)
	t.Cleanup(f.rs.Close)
	mux.Handle("/.well-known/oauth-protected-resource/mcp", auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
		Resource:             f.rs.URL + "/mcp",
		AuthorizationServers: []string{f.as.URL},
		ScopesSupported:      []string{"mcp:tools"},
	}))
	mcpHandler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return projectsServer() }, nil)
	mux.Handle("/mcp", auth.RequireBearerToken(f.verify, &auth.RequireBearerTokenOptions{
		ResourceMetadataURL: f.rs.URL + "/.well-known/oauth-protected-resource/mcp",
	})(mcpHandler))
	return f
}

func (f *fakeAuth) verify(_ context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.tokens[token] {
		return nil, auth.ErrInvalidToken
	}
	return &auth.TokenInfo{Scopes: []string{"mcp:tools"}, Expiration: time.Now().Add(time.Hour)}, nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeAuth) serveAS(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/.well-known/oauth-authorization-server":
		writeJSON(w, 200, map[string]any{
			"issuer":                                f.as.URL,
			"authorization_endpoint":                f.as.URL + "/authorize",
			"token_endpoint":                        f.as.URL + "/token",
			"registration_endpoint":                 f.as.URL + "/register",
			"code_challenge_methods_supported":      []string{"S256"},
			"token_endpoint_auth_methods_supported": []string{"none"},
			"response_types_supported":              []string{"code"},
			"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
			"scopes_supported":                      []string{"mcp:tools"},
		})
	case "/register":
		var meta oauthex.ClientRegistrationMetadata
		if err := json.NewDecoder(r.Body).Decode(&meta); err != nil || len(meta.RedirectURIs) != 1 {
			writeJSON(w, 400, map[string]string{"error": "invalid_client_metadata"})
			return
		}
		id := "client-" + rand.Text()
		f.clients[id] = meta.RedirectURIs[0]
		writeJSON(w, 201, map[string]any{"client_id": id, "redirect_uris": meta.RedirectURIs, "token_endpoint_auth_method": "none"})
	case "/authorize": // the user approves at once
		q := r.URL.Query()
		if f.clients[q.Get("client_id")] != q.Get("redirect_uri") || q.Get("code_challenge_method") != "S256" {
			http.Error(w, "bad authorization request", 400)
			return
		}
		f.logins++
		code := "code-" + rand.Text()
		f.codes[code] = q.Get("code_challenge")
		back, _ := url.Parse(q.Get("redirect_uri"))
		back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	case "/token":
		_ = r.ParseForm()
		challenge, ok := f.codes[r.PostForm.Get("code")]
		delete(f.codes, r.PostForm.Get("code"))
		sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != challenge {
			writeJSON(w, 400, map[string]string{"error": "invalid_grant"})
			return
		}
		tok := "token-" + rand.Text()
		f.tokens[tok] = true
		writeJSON(w, 200, map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
	default:
		http.NotFound(w, r)
	}
}

func runExample(t *testing.T, mcpURL string, login func(string) (*oauth.Handler, error)) string {
	t.Helper()
	s := mistraltest.NewServer(projectsModel)
	defer s.Close()
	client, err := mistral.NewClient(mistral.WithServerURL(s.URL), mistral.WithAPIKey("test-key"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	if err := example(ctx, client, &out, mcpURL, "Tell me which projects do I have in my workspace?", login); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	return out.String()
}

func TestRemoteOAuth(t *testing.T) {
	f := newFakeAuth(t)
	// RedirectFollower plays the browser: it follows the authorization
	// server's redirects up to the redirect URI, which is never contacted.
	store := oauth.NewMemoryStore()
	login := func(url string) (*oauth.Handler, error) {
		return oauth.NewHandler(url, "http://127.0.0.1:1/callback", (&oauth.RedirectFollower{}).Fetch, oauth.WithStore(store))
	}
	got := runExample(t, f.rs.URL+"/mcp", login)
	want := "the server requires OAuth: using the stored token, else logging in\nYour projects: Apollo, Gemini.\n"
	if got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	// A second run finds the token in the store: no new login.
	if got := runExample(t, f.rs.URL+"/mcp", login); got != want {
		t.Errorf("second run: output %q, want %q", got, want)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.logins != 1 {
		t.Errorf("%d logins, want 1", f.logins)
	}
}

// A server without auth needs no login (and no fetcher).
func TestRemoteNoAuth(t *testing.T) {
	srv := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return projectsServer() }, nil))
	defer srv.Close()
	if got, want := runExample(t, srv.URL, func(string) (*oauth.Handler, error) {
		t.Error("login asked for a server without auth")
		return nil, errors.New("no login")
	}), "Your projects: Apollo, Gemini.\n"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
}

// The login as main does it: a LoopbackFetcher receives the redirect on
// 127.0.0.1; the "browser" here is an HTTP client that follows redirects.
func TestRemoteOAuthLoopback(t *testing.T) {
	f := newFakeAuth(t)
	browser := func(ctx context.Context, u string) error {
		go func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
	fetcher, err := oauth.NewLoopbackFetcher(browser)
	if err != nil {
		t.Fatal(err)
	}
	defer fetcher.Close()
	login := func(url string) (*oauth.Handler, error) {
		return oauth.NewHandler(url, fetcher.RedirectURL(), fetcher.Fetch)
	}
	if got := runExample(t, f.rs.URL+"/mcp", login); got != "the server requires OAuth: using the stored token, else logging in\nYour projects: Apollo, Gemini.\n" {
		t.Errorf("output %q", got)
	}
}
