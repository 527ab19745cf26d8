package oauth

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
)

// miniAS is one loopback server that is an MCP endpoint refusing every
// request (401), its protected-resource metadata and its authorization
// server's metadata and registration: just enough for BuildOAuthParams and
// AuthURL, each part configurable.
type miniAS struct {
	*httptest.Server
	challengeScope string   // scope= in the 401 challenge, if any
	pkceMethods    []string // code_challenge_methods_supported; nil: no metadata at all

	mu            sync.Mutex
	registrations int
	clientNames   []string // client_name of each registration
}

func newMiniAS(t *testing.T, challengeScope string, pkceMethods []string) *miniAS {
	t.Helper()
	m := &miniAS{challengeScope: challengeScope, pkceMethods: pkceMethods}
	m.Server = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.Close)
	return m
}

func (m *miniAS) mcpURL() string { return m.URL + "/mcp" }

func (m *miniAS) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/mcp":
		ch := `Bearer resource_metadata="` + m.URL + `/.well-known/oauth-protected-resource/mcp"`
		if m.challengeScope != "" {
			ch += `, scope="` + m.challengeScope + `"`
		}
		w.Header().Set("WWW-Authenticate", ch)
		w.WriteHeader(http.StatusUnauthorized)
	case "/.well-known/oauth-protected-resource/mcp":
		writeJSON(w, 200, map[string]any{"resource": m.mcpURL(), "authorization_servers": []string{m.URL}, "scopes_supported": []string{"prm:scope"}})
	case "/.well-known/oauth-authorization-server":
		if m.pkceMethods == nil {
			http.NotFound(w, r) // the 2025-03-26 fallback: /authorize, /token, /register
			return
		}
		meta := map[string]any{
			"issuer": m.URL, "authorization_endpoint": m.URL + "/authorize", "token_endpoint": m.URL + "/token",
			"registration_endpoint": m.URL + "/register", "response_types_supported": []string{"code"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic"},
		}
		meta["code_challenge_methods_supported"] = m.pkceMethods
		writeJSON(w, 200, meta)
	case "/register":
		var meta struct {
			ClientName string `json:"client_name"`
		}
		_ = json.NewDecoder(r.Body).Decode(&meta)
		m.mu.Lock()
		m.registrations++
		m.clientNames = append(m.clientNames, meta.ClientName)
		m.mu.Unlock()
		writeJSON(w, 201, map[string]any{"client_id": "registered", "client_secret": "registered-secret", "token_endpoint_auth_method": "client_secret_basic"})
	default:
		http.NotFound(w, r)
	}
}

// The scopes requested: the caller's, else the challenge's, else the
// protected resource's.
func TestBuildOAuthParamsScopes(t *testing.T) {
	ctx := ctxT(t)
	for _, tc := range []struct {
		name, challengeScope string
		opts                 []Option
		want                 []string
	}{
		{"from the challenge", "chal:read chal:write", nil, []string{"chal:read", "chal:write"}},
		{"from the resource metadata", "", nil, []string{"prm:scope"}},
		{"the caller's over the challenge's", "chal:read", []Option{WithScopes("mine")}, []string{"mine"}},
		{"the caller's over the metadata's", "", []Option{WithScopes("mine")}, []string{"mine"}},
	} {
		m := newMiniAS(t, tc.challengeScope, []string{"S256"})
		p, err := BuildOAuthParams(ctx, m.mcpURL(), testRedirect, tc.opts...)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := p.Scopes(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: scopes %q, want %q", tc.name, got, tc.want)
		}
		authURL, _, err := p.AuthURL()
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse(authURL)
		if got := u.Query().Get("scope"); got != joinScopes(tc.want) {
			t.Errorf("%s: authorization URL scope %q", tc.name, got)
		}
	}
}

func joinScopes(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

// A pre-registered client authenticates with its secret when it has one,
// and as a public client ("none") when it has not; it is never registered
// nor stored (it is configuration, not state). A registered client is
// stored at once, before any login.
func TestBuildOAuthParamsClients(t *testing.T) {
	ctx := ctxT(t)
	m := newMiniAS(t, "", []string{"S256"})
	for _, tc := range []struct{ secret, method string }{{"", "none"}, {"pre-secret", "client_secret_basic"}} {
		store := NewMemoryStore()
		opts := []Option{WithClientID("pre"), WithStore(store)}
		if tc.secret != "" {
			opts = append(opts, WithClientSecret(tc.secret))
		}
		p, err := BuildOAuthParams(ctx, m.mcpURL(), testRedirect, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if r := p.Registration(); r.ClientID != "pre" || r.ClientSecret != tc.secret || r.AuthMethod != tc.method {
			t.Errorf("secret %q: client %q method %q, want pre %q", tc.secret, r.ClientID, r.AuthMethod, tc.method)
		}
		if _, err := store.Load(ctx, m.mcpURL(), nil); !errors.Is(err, ErrNotFound) {
			t.Errorf("secret %q: a pre-registered client was stored (%v)", tc.secret, err)
		}
	}
	if m.registrations != 0 {
		t.Fatalf("%d registrations for pre-registered clients", m.registrations)
	}

	store := NewMemoryStore()
	if _, err := BuildOAuthParams(ctx, m.mcpURL(), testRedirect, WithStore(store)); err != nil {
		t.Fatal(err)
	}
	rec, err := store.Load(ctx, m.mcpURL(), nil)
	if err != nil || rec.Client == nil || rec.Client.ClientID != "registered" || rec.Client.RedirectURI != testRedirect || rec.Token != nil {
		t.Fatalf("registration not stored before login: %+v, %v", rec, err)
	}
}

// AuthURL refuses an authorization server that lists PKCE methods without
// S256, and trusts one without metadata (the 2025-03-26 fallback), which
// lists none.
func TestAuthURLPKCEMethods(t *testing.T) {
	ctx := ctxT(t)
	for _, tc := range []struct {
		methods []string
		ok      bool
	}{
		{nil, true},
		{[]string{"S256"}, true},
		{[]string{"plain", "S256"}, true},
		{[]string{"plain"}, false},
	} {
		m := newMiniAS(t, "", tc.methods)
		p, err := BuildOAuthParams(ctx, m.mcpURL(), testRedirect)
		if err != nil {
			t.Fatalf("methods %q: %v", tc.methods, err)
		}
		authURL, state, err := p.AuthURL()
		var se *StepError
		switch {
		case tc.ok && (err != nil || authURL == "" || state == ""):
			t.Errorf("methods %q: AuthURL = %q, %q, %v", tc.methods, authURL, state, err)
		case !tc.ok && (!errors.As(err, &se) || se.Step != "authorize"):
			t.Errorf("methods %q: AuthURL error %v, want an authorize step error", tc.methods, err)
		}
	}
}

// Exchange takes the callback's query alone as well as the whole URL.
func TestExchangeQueryOnly(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	p, err := BuildOAuthParams(ctx, f.mcpURL(), testRedirect)
	if err != nil {
		t.Fatal(err)
	}
	authURL, state, err := p.AuthURL()
	if err != nil {
		t.Fatal(err)
	}
	cb, err := url.Parse(follow(t, authURL))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.Exchange(ctx, cb.RawQuery, state)
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("Exchange(query only) = %v", err)
	}
}

// Dynamic registration names the client "mcprun" unless WithClientName
// says otherwise.
func TestBuildOAuthParamsClientName(t *testing.T) {
	ctx := ctxT(t)
	m := newMiniAS(t, "", []string{"S256"})
	if _, err := BuildOAuthParams(ctx, m.mcpURL(), testRedirect); err != nil {
		t.Fatal(err)
	}
	if _, err := BuildOAuthParams(ctx, m.mcpURL(), testRedirect, WithClientName("my tool")); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.clientNames, []string{"mcprun", "my tool"}) {
		t.Fatalf("registered client names %q", m.clientNames)
	}
}
