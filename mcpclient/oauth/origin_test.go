package oauth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// catcher listens on 127.0.0.2, another loopback address (another origin),
// and records every request it gets.
type catcher struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []string
}

func newCatcher(t *testing.T) *catcher {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("listening on 127.0.0.2: %v", err)
	}
	c := &catcher{}
	c.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		c.mu.Lock()
		c.got = append(c.got, r.Method+" "+r.URL.String()+" "+r.Header.Get("Authorization")+" "+r.Form.Encode())
		c.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"access_token": "stolen", "token_type": "Bearer"})
	}))
	c.srv.Listener.Close()
	c.srv.Listener = ln
	c.srv.Start()
	t.Cleanup(c.srv.Close)
	return c
}

func (c *catcher) requests() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.got...)
}

// A token endpoint that answers 307 to another origin would receive the
// refresh token (and a client secret) there; the redirect is not followed.
func TestTokenEndpointRedirectNotFollowed(t *testing.T) {
	other := newCatcher(t)
	as := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.srv.URL+"/token", http.StatusTemporaryRedirect)
	}))
	defer as.Close()
	store := NewMemoryStore()
	server := "https://mcp.example/mcp"
	ctx := ctxT(t)
	if err := store.Save(ctx, &Record{
		Server: server,
		Token:  &oauth2.Token{AccessToken: "a", RefreshToken: "the-refresh-token", Expiry: time.Now().Add(-time.Hour)},
		Client: &Registration{ClientID: "c", ClientSecret: "the-client-secret", AuthMethod: "client_secret_post", TokenURL: as.URL + "/token"},
	}); err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(server, testRedirect, (&RedirectFollower{}).Fetch, WithStore(store))
	if err != nil {
		t.Fatal(err)
	}
	ts, err := h.TokenSource(ctx)
	if err != nil || ts == nil {
		t.Fatalf("TokenSource: %v", err)
	}
	_, err = ts.Token()
	if !errors.Is(err, errRedirect) {
		t.Errorf("refresh through a redirect: %v, want the redirect refused", err)
	}
	if got := other.requests(); len(got) != 0 {
		t.Errorf("the other origin received %q", got)
	}
	for _, s := range []string{"the-refresh-token", "the-client-secret"} {
		if err != nil && strings.Contains(err.Error(), s) {
			t.Errorf("error shows a secret: %v", err)
		}
	}
}

// A megabyte of WWW-Authenticate is refused before the go-sdk's parser
// (quadratic: tens of seconds of CPU) sees it.
func TestHugeChallengeRefused(t *testing.T) {
	h, err := NewHandler("http://127.0.0.1:1/mcp", testRedirect, (&RedirectFollower{}).Fetch)
	if err != nil {
		t.Fatal(err)
	}
	huge := `Bearer realm="` + strings.Repeat(`a=",`, 1<<18) + `"`
	resp := &http.Response{StatusCode: http.StatusUnauthorized, Header: http.Header{"Www-Authenticate": {huge}}, Body: http.NoBody}
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:1/mcp", nil)
	err = h.Authorize(context.Background(), req, resp)
	if err == nil || !strings.Contains(err.Error(), "more than the") {
		t.Fatalf("Authorize with a 1 MB challenge = %v, want it refused for its size", err)
	}
}

func BenchmarkHugeChallenge(b *testing.B) {
	hdr := http.Header{"Www-Authenticate": {`Bearer realm="` + strings.Repeat(`a=",`, 1<<18) + `"`}}
	for b.Loop() {
		if _, err := parseChallenges(hdr); err == nil {
			b.Fatal("accepted")
		}
	}
}

func FuzzParseChallenges(f *testing.F) {
	for _, s := range []string{
		`Bearer resource_metadata="https://x/.well-known/oauth-protected-resource", scope="a b"`,
		`Bearer error="insufficient_scope", scope="x"`,
		`Basic realm="x", Bearer`,
		`Bearer realm="unterminated`,
		``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := parseChallenges(http.Header{"Www-Authenticate": {s}})
		if err != nil {
			return
		}
		_ = scopesFromChallenges(cs)
		_ = errorFromChallenges(cs)
	})
}

func FuzzParseCallback(f *testing.F) {
	for _, s := range []string{
		"code=abc&state=xyz&iss=https%3A%2F%2Fas.example",
		"error=access_denied&error_description=%1b%5b31mno",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		res, err := parseCallback(q)
		if err == nil && res.Code == "" {
			t.Fatal("a callback without a code was accepted")
		}
	})
}

func FuzzLegacyMetadata(f *testing.F) {
	f.Add(`{"issuer":"https://as.example/oauth","authorization_endpoint":"https://as.example/a","token_endpoint":"https://as.example/t","code_challenge_methods_supported":["S256"]}`)
	f.Add(`{"issuer":"http://127.0.0.1:9/","authorization_endpoint":"javascript:alert(1)"}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, s string) {
		asm, err := decodeMetadata(strings.NewReader(s))
		if err != nil {
			return
		}
		if validateLegacyMeta(asm) == nil {
			for _, e := range []string{asm.AuthorizationEndpoint, asm.TokenEndpoint, asm.RegistrationEndpoint} {
				if checkHTTPSOrLoopback(e) != nil {
					t.Fatalf("accepted endpoint %q", e)
				}
			}
		}
	})
}

func TestRevoke(t *testing.T) {
	var mu sync.Mutex
	var got []string
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/oauth-authorization-server":
			writeJSON(w, http.StatusOK, map[string]any{
				"issuer": srv.URL, "authorization_endpoint": srv.URL + "/a", "token_endpoint": srv.URL + "/t",
				"revocation_endpoint": srv.URL + "/revoke", "code_challenge_methods_supported": []string{"S256"},
			})
		case "/revoke":
			_ = r.ParseForm()
			id, secret, _ := r.BasicAuth()
			mu.Lock()
			got = append(got, r.Form.Get("token_type_hint")+"="+r.Form.Get("token")+" as "+id+":"+secret)
			mu.Unlock()
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	rec := &Record{
		Server: "https://mcp.example/mcp",
		Token:  &oauth2.Token{AccessToken: "at", RefreshToken: "rt"},
		Client: &Registration{Issuer: srv.URL, ClientID: "cid", ClientSecret: "cs", AuthMethod: "client_secret_basic"},
	}
	if err := Revoke(ctxT(t), rec); err != nil {
		t.Fatal(err)
	}
	if want := []string{"refresh_token=rt as cid:cs", "access_token=at as cid:cs"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("revocation requests %q, want %q", got, want)
	}
}
