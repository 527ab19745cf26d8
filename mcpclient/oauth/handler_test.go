package oauth

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"golang.org/x/oauth2"
)

const testRedirect = "http://127.0.0.1:1/callback" // never contacted by the RedirectFollower

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// logBuf is a concurrency-safe log sink.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newTestHandler(t *testing.T, f *fakeAS, store TokenStore, logs *logBuf, serverURL string) *Handler {
	t.Helper()
	var opts []Option
	if logs != nil {
		opts = append(opts, WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	if store != nil {
		opts = append(opts, WithStore(store))
	}
	if serverURL == "" {
		serverURL = f.mcpURL()
	}
	h, err := NewHandler(serverURL, testRedirect, (&RedirectFollower{}).Fetch, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// callWhoami connects with h over Streamable HTTP and calls the tool.
func callWhoami(ctx context.Context, t *testing.T, f *fakeAS, h auth.OAuthHandler) error {
	t.Helper()
	c := mustClient(mcpclient.NewHTTP(f.mcpURL(), mcpclient.WithHTTPTransport(mcpclient.Streamable), mcpclient.WithOAuthHandler(h)))
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		return err
	}
	res, err := c.CallTool(ctx, "whoami", nil)
	if err != nil {
		return err
	}
	if res.IsError {
		return errors.New(res.Text)
	}
	if res.Text != "hello" {
		t.Errorf("whoami = %q", res.Text)
	}
	return nil
}

func TestHandlerLoginPersistReuse(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	path := filepath.Join(t.TempDir(), "mcprun", "tokens.json")
	store := NewFileStore(path)
	logs := &logBuf{}

	h := newTestHandler(t, f, store, logs, "")
	if err := callWhoami(ctx, t, f, h); err != nil {
		t.Fatal(err)
	}
	reg, authz, exch, _ := f.counts()
	if reg != 1 || authz != 1 || exch != 1 {
		t.Fatalf("registrations=%d authorizes=%d exchanges=%d, want 1 1 1", reg, authz, exch)
	}
	q := f.authQueries[0]
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) < 43 {
		t.Errorf("PKCE: method=%q challenge=%q", q.Get("code_challenge_method"), q.Get("code_challenge"))
	}
	if q.Get("resource") != f.mcpURL() {
		t.Errorf("resource = %q, want %q", q.Get("resource"), f.mcpURL())
	}
	if len(q.Get("state")) < 16 {
		t.Errorf("state %q is too short to be random", q.Get("state"))
	}
	if !strings.Contains(q.Get("scope"), "mcp:tools") {
		t.Errorf("scope = %q", q.Get("scope"))
	}
	if form := f.tokenForms[0]; form.Get("resource") != f.mcpURL() || form.Get("code_verifier") == "" {
		t.Errorf("token request: resource=%q verifier set=%v", form.Get("resource"), form.Get("code_verifier") != "")
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v", st.Mode().Perm())
	}
	rec, err := store.Load(ctx, f.mcpURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Token == nil || rec.Token.RefreshToken == "" || rec.Client == nil || rec.Client.ClientID == "" ||
		rec.Client.TokenURL != f.as.URL+"/token" || rec.Client.RedirectURI != testRedirect {
		t.Fatalf("stored record incomplete: token=%v client=%+v", rec.Token != nil, rec.Client != nil)
	}

	// A second handler (a new process) uses the stored token: no login.
	h2 := newTestHandler(t, f, store, logs, "")
	if err := callWhoami(ctx, t, f, h2); err != nil {
		t.Fatal(err)
	}
	if reg2, authz2, _, _ := f.counts(); reg2 != 1 || authz2 != 1 {
		t.Errorf("after reconnect: registrations=%d authorizes=%d, want 1 1", reg2, authz2)
	}

	// Without a token but with the registration: login, no second registration.
	rec.Token = nil
	if err := store.Save(ctx, rec); err != nil {
		t.Fatal(err)
	}
	h3 := newTestHandler(t, f, store, logs, "")
	if err := callWhoami(ctx, t, f, h3); err != nil {
		t.Fatal(err)
	}
	if reg3, authz3, _, _ := f.counts(); reg3 != 1 || authz3 != 2 {
		t.Errorf("login with stored registration: registrations=%d authorizes=%d, want 1 2", reg3, authz3)
	}
	b, _ := os.ReadFile(path)
	if !bytes.Contains(b, []byte(rec.Client.ClientID)) {
		t.Error("registration not in the token file")
	}
	f.checkNoSecrets("log", logs.String())
}

func TestHandlerRefreshBeforeExpiry(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	store := NewMemoryStore()
	if err := callWhoami(ctx, t, f, newTestHandler(t, f, store, nil, "")); err != nil {
		t.Fatal(err)
	}
	// Make the stored access token look expired: the next handler
	// refreshes it before sending anything.
	rec, _ := store.Load(ctx, f.mcpURL(), nil)
	old := rec.Token.AccessToken
	rec.Token.Expiry = time.Now().Add(-time.Minute)
	_ = store.Save(ctx, rec)
	if err := callWhoami(ctx, t, f, newTestHandler(t, f, store, nil, "")); err != nil {
		t.Fatal(err)
	}
	_, authz, _, refr := f.counts()
	if authz != 1 || refr != 1 {
		t.Errorf("authorizes=%d refreshes=%d, want 1 1", authz, refr)
	}
	rec, _ = store.Load(ctx, f.mcpURL(), nil)
	if rec.Token.AccessToken == old || rec.Token.Expiry.Before(time.Now()) {
		t.Error("refreshed token not stored")
	}

	// A keyring-style record (refresh token only) works the same way.
	rec.Token.AccessToken, rec.Token.Expiry = "", time.Time{}
	_ = store.Save(ctx, rec)
	if err := callWhoami(ctx, t, f, newTestHandler(t, f, store, nil, "")); err != nil {
		t.Fatal(err)
	}
	if _, authz, _, refr := f.counts(); authz != 1 || refr != 2 {
		t.Errorf("refresh-token-only record: authorizes=%d refreshes=%d, want 1 2", authz, refr)
	}
}

func TestHandlerRefreshOn401(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	h := newTestHandler(t, f, nil, nil, "")
	c := mustClient(mcpclient.NewHTTP(f.mcpURL(), mcpclient.WithHTTPTransport(mcpclient.Streamable), mcpclient.WithOAuthHandler(h)))
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	f.revokeAccess() // the server forgets its access tokens
	if _, err := c.CallTool(ctx, "whoami", nil); err != nil {
		t.Fatal(err)
	}
	if _, authz, _, refr := f.counts(); authz != 1 || refr != 1 {
		t.Errorf("authorizes=%d refreshes=%d, want 1 1", authz, refr)
	}
}

func TestHandlerRevokedRefreshLogsInOnce(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	store := NewMemoryStore()
	logs := &logBuf{}
	if err := callWhoami(ctx, t, f, newTestHandler(t, f, store, logs, "")); err != nil {
		t.Fatal(err)
	}
	f.revokeAll()
	// Stored token expired and refresh revoked: the refresh is refused,
	// the token forgotten, and one login follows.
	rec, _ := store.Load(ctx, f.mcpURL(), nil)
	rec.Token.Expiry = time.Now().Add(-time.Minute)
	_ = store.Save(ctx, rec)
	if err := callWhoami(ctx, t, f, newTestHandler(t, f, store, logs, "")); err != nil {
		t.Fatal(err)
	}
	if reg, authz, _, _ := f.counts(); reg != 1 || authz != 2 {
		t.Errorf("registrations=%d authorizes=%d, want 1 2", reg, authz)
	}

	// Same with a valid-looking access token the server rejects (401 →
	// refresh refused → login), in a live session.
	h := newTestHandler(t, f, store, logs, "")
	c := mustClient(mcpclient.NewHTTP(f.mcpURL(), mcpclient.WithHTTPTransport(mcpclient.Streamable), mcpclient.WithOAuthHandler(h)))
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	f.revokeAll()
	if _, err := c.CallTool(ctx, "whoami", nil); err != nil {
		t.Fatal(err)
	}
	if reg, authz, _, _ := f.counts(); reg != 1 || authz != 3 {
		t.Errorf("registrations=%d authorizes=%d, want 1 3", reg, authz)
	}
	f.checkNoSecrets("log", logs.String())
}

func TestHandlerCallbackFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(*fakeAS)
		want string
	}{
		{"wrong state", func(f *fakeAS) { f.wrongState = true }, "state mismatch"},
		{"error param", func(f *fakeAS) { f.authError = "access_denied" }, "access_denied"},
		{"wrong iss", func(f *fakeAS) { f.wrongIss = true }, "issuer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxT(t)
			f := newFakeAS(t)
			tc.set(f)
			h := newTestHandler(t, f, nil, nil, "")
			err := callWhoami(ctx, t, f, h)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
			var se *StepError
			if !errors.As(err, &se) || se.Step != "callback" || !errors.Is(err, ErrCallback) {
				t.Errorf("step = %v, want callback", se)
			}
			if _, _, exch, _ := f.counts(); exch != 0 {
				t.Errorf("%d code exchanges after a bad callback", exch)
			}
			t.Log(err)
			f.checkNoSecrets("error", err.Error())
		})
	}
}

// A refused code exchange (through the go-sdk's handler) is the exchange
// step's error, told by what happened, not by the go-sdk's message.
func TestHandlerExchangeRefused(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	f.refuseCode = true
	h := newTestHandler(t, f, nil, nil, "")
	err := callWhoami(ctx, t, f, h)
	var se *StepError
	if !errors.As(err, &se) || se.Step != "exchange" {
		t.Fatalf("err = %v, want an exchange step error", err)
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("err = %v, want it to wrap the token endpoint's invalid_grant", err)
	}
	f.checkNoSecrets("error", err.Error())
}

// browser plays the user's browser: it follows the authorization URL's
// redirects, including the one to the loopback callback.
func browser(t *testing.T, mutate func(*http.Request)) func(ctx context.Context, u string) error {
	return func(ctx context.Context, u string) error {
		c := &http.Client{CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if mutate != nil && strings.HasSuffix(r.URL.Path, "/callback") {
				mutate(r)
			}
			return nil
		}}
		go func() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			if resp, err := c.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
		return nil
	}
}

func TestLoopbackFetcher(t *testing.T) {
	for _, tc := range []struct {
		name    string
		set     func(*fakeAS)
		mutate  func(*http.Request)
		wantErr string
	}{
		{name: "ok"},
		{name: "error param", set: func(f *fakeAS) { f.authError = "access_denied" }, wantErr: "access_denied"},
		{name: "wrong state", mutate: func(r *http.Request) {
			q := r.URL.Query()
			q.Set("state", "forged")
			r.URL.RawQuery = q.Encode()
		}, wantErr: "state mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxT(t)
			f := newFakeAS(t)
			if tc.set != nil {
				tc.set(f)
			}
			lf, err := NewLoopbackFetcher(browser(t, tc.mutate))
			if err != nil {
				t.Fatal(err)
			}
			defer lf.Close()
			if !strings.HasPrefix(lf.RedirectURL(), "http://127.0.0.1:") || !strings.HasSuffix(lf.RedirectURL(), "/callback") {
				t.Fatalf("RedirectURL = %q", lf.RedirectURL())
			}
			h, err := NewHandler(f.mcpURL(), lf.RedirectURL(), lf.Fetch)
			if err != nil {
				t.Fatal(err)
			}
			err = callWhoami(ctx, t, f, h)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrCallback) {
				t.Fatalf("err = %v, want ErrCallback mentioning %q", err, tc.wantErr)
			}
			// The listener is closed after the callback.
			addr := strings.TrimSuffix(strings.TrimPrefix(lf.RedirectURL(), "http://"), "/callback")
			if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				conn.Close()
				t.Error("callback listener still open")
			}
			if tc.wantErr != "" {
				return
			}
			// A later login (new handler, nothing stored) listens again on
			// the same port.
			h2, err := NewHandler(f.mcpURL(), lf.RedirectURL(), lf.Fetch)
			if err != nil {
				t.Fatal(err)
			}
			if err := callWhoami(ctx, t, f, h2); err != nil {
				t.Fatalf("second login: %v", err)
			}
			if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				conn.Close()
				t.Error("callback listener still open after the second login")
			}
		})
	}
}

func TestRedirectMustBeLoopback(t *testing.T) {
	for _, r := range []string{"http://example.com/callback", "https://127.0.0.1/callback", "http://10.0.0.1:8080/callback", "myapp://callback"} {
		if _, err := NewHandler("http://127.0.0.1:9/mcp", r, (&RedirectFollower{}).Fetch); err == nil {
			t.Errorf("NewHandler accepted redirect %q", r)
		}
		if _, err := BuildOAuthParams(context.Background(), "http://127.0.0.1:9/mcp", r); err == nil {
			t.Errorf("BuildOAuthParams accepted redirect %q", r)
		}
	}
	if _, err := NewLoopbackFetcherOn("0.0.0.0:0", nil); err == nil {
		t.Error("NewLoopbackFetcherOn accepted 0.0.0.0")
	}
}

// rtFunc is an http.RoundTripper from a function.
type rtFunc func(*http.Request) (*http.Response, error)

func (f rtFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestPlainHTTPMetadataRefused(t *testing.T) {
	ctx := ctxT(t)
	var mu sync.Mutex
	var seen []string
	hc := &http.Client{Transport: rtFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, r.URL.String())
		mu.Unlock()
		h := http.Header{}
		h.Set("WWW-Authenticate", `Bearer resource_metadata="http://mcp.example.com/.well-known/oauth-protected-resource/mcp"`)
		return &http.Response{StatusCode: 401, Header: h, Body: http.NoBody, Request: r}, nil
	})}
	server := "http://mcp.example.com/mcp"
	ok, err := RequiresAuth(ctx, server, WithHTTPClient(hc))
	if err != nil || !ok {
		t.Fatalf("RequiresAuth = %v, %v", ok, err)
	}
	_, err = BuildOAuthParams(ctx, server, testRedirect, WithHTTPClient(hc))
	var se *StepError
	if err == nil || !errors.As(err, &se) || se.Step != "auth-server-metadata" || !strings.Contains(err.Error(), "HTTPS") {
		t.Fatalf("BuildOAuthParams err = %v, want an auth-server-metadata step error about HTTPS", err)
	}
	h, err := NewHandler(server, testRedirect, func(context.Context, *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
		t.Error("fetcher called")
		return nil, errors.New("no")
	}, WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := hc.Get(server)
	req, _ := http.NewRequest(http.MethodPost, server, nil)
	if err := h.Authorize(ctx, req, resp); err == nil || !strings.Contains(err.Error(), "HTTPS") {
		t.Fatalf("Authorize err = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, u := range seen {
		if strings.Contains(u, "well-known") {
			t.Errorf("fetched metadata over plain HTTP: %s", u)
		}
	}
}

func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	f.echoOnError = true
	store := NewMemoryStore()
	logs := &logBuf{}
	if err := callWhoami(ctx, t, f, newTestHandler(t, f, store, logs, "")); err != nil {
		t.Fatal(err)
	}
	// A refused refresh whose error quotes the request (refresh token,
	// client secret).
	f.revokeAll()
	rec, _ := store.Load(ctx, f.mcpURL(), nil)
	rec.Token.Expiry = time.Now().Add(-time.Minute)
	_ = store.Save(ctx, rec)
	h := newTestHandler(t, f, store, logs, "")
	ts, _ := h.TokenSource(ctx)
	_, err := ts.Token()
	if err == nil {
		t.Fatal("refresh of a revoked token succeeded")
	}
	f.checkNoSecrets("refresh error", err.Error())
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Error("refresh error does not wrap *oauth2.RetrieveError")
	}
	// A failed exchange quoting the code and verifier.
	p, err := BuildOAuthParams(ctx, f.mcpURL(), testRedirect, WithStore(store))
	if err != nil {
		t.Fatal(err)
	}
	_, state, _ := p.AuthURL()
	_, err = p.Exchange(ctx, testRedirect+"?code=CODE-bogus&state="+state+"&iss="+f.as.URL, state)
	if err == nil || !strings.Contains(err.Error(), "oauth exchange") {
		t.Fatalf("exchange err = %v", err)
	}
	if strings.Contains(err.Error(), "CODE-bogus") {
		t.Errorf("exchange error quotes the code: %v", err)
	}
	f.checkNoSecrets("exchange error", err.Error())
	f.checkNoSecrets("log", logs.String())
	if got := redact(`{"access_token":"AT-x","refresh_token": "RT-y"} Authorization: Bearer abc.def client_secret=S3CR3T&code=C0D3`); strings.Contains(got, "AT-x") ||
		strings.Contains(got, "RT-y") || strings.Contains(got, "abc.def") || strings.Contains(got, "S3CR3T") || strings.Contains(got, "C0D3") {
		t.Errorf("redact left a credential: %s", got)
	}
}

func TestSSETransport(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	store := NewMemoryStore()
	url := f.rs.URL + "/sse"
	h := newTestHandler(t, f, store, nil, url)
	c := mustClient(mcpclient.NewHTTP(url, mcpclient.WithHTTPTransport(mcpclient.SSE), mcpclient.WithOAuthHandler(h)))
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CallTool(ctx, "whoami", nil); err != nil {
		t.Fatal(err)
	}
	if reg, authz, _, _ := f.counts(); reg != 1 || authz != 1 {
		t.Errorf("registrations=%d authorizes=%d, want 1 1", reg, authz)
	}
	q := f.authQueries[0]
	if q.Get("resource") != url {
		t.Errorf("resource = %q, want %q", q.Get("resource"), url)
	}
	// A rejected token on a message POST: refresh, then the POST is replayed.
	f.revokeAccess()
	if _, err := c.CallTool(ctx, "whoami", nil); err != nil {
		t.Fatal(err)
	}
	if _, authz, _, refr := f.counts(); authz != 1 || refr != 1 {
		t.Errorf("authorizes=%d refreshes=%d, want 1 1", authz, refr)
	}
}

func TestConcurrent401sShareOneLogin(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	h := newTestHandler(t, f, nil, nil, "")
	var wg sync.WaitGroup
	errs := make(chan error, 5)
	for range 5 {
		wg.Go(func() { errs <- callWhoami(ctx, t, f, h) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if reg, authz, _, _ := f.counts(); reg != 1 || authz != 1 {
		t.Errorf("registrations=%d authorizes=%d, want 1 1", reg, authz)
	}
}

// A public client (the server lists only "none" for the token endpoint)
// sends its client_id in the form and no HTTP Basic header, at login and at
// refresh.
func TestHandlerPublicClientNoBasicAuth(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	f.authMethod = "none"
	h := newTestHandler(t, f, nil, nil, "")
	if err := callWhoami(ctx, t, f, h); err != nil {
		t.Fatal(err)
	}
	f.revokeAccess()
	if err := callWhoami(ctx, t, f, h); err != nil {
		t.Fatal(err)
	}
	reg, authz, exch, refr := f.counts()
	if reg != 1 || authz != 1 || exch != 1 || refr != 1 {
		t.Fatalf("registrations=%d authorizes=%d exchanges=%d refreshes=%d, want 1 1 1 1", reg, authz, exch, refr)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.basicAuths != 0 {
		t.Errorf("%d token requests with an HTTP Basic header from a public client", f.basicAuths)
	}
	for _, form := range f.tokenForms {
		if form.Get("client_id") == "" || form.Has("client_secret") {
			t.Errorf("token request form: client_id %q, client_secret sent %v", form.Get("client_id"), form.Has("client_secret"))
		}
	}
}
