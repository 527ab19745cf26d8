package oauth

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mcpclient"
)

// addSecretClient registers a client_secret client with the fake.
func (f *fakeAS) addSecretClient(id string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	secret := f.newSecret("CS")
	f.clients[id] = secret
	return secret
}

// addKeyClient registers a private_key_jwt client with the fake.
func (f *fakeAS) addKeyClient(id string, pub crypto.PublicKey) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.jwtKeys[id] = pub
}

func (f *fakeAS) lastTokenForm() (url.Values, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.tokenForms) == 0 {
		return nil, f.basicAuths
	}
	return f.tokenForms[len(f.tokenForms)-1], f.basicAuths
}

func newCCHandler(t *testing.T, serverURL, clientID string, logs *logBuf, opts ...Option) *ClientCredentialsHandler {
	t.Helper()
	if logs != nil {
		opts = append(opts, WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	}
	h, err := NewClientCredentialsHandler(serverURL, clientID, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestClientCredentialsSecret(t *testing.T) {
	for _, tc := range []struct {
		name, method string
		scopes       []string
		wantBasic    bool
		wantScope    string
	}{
		{"basic", "client_secret_basic", nil, true, "mcp:tools"},
		{"post only", "client_secret_post", []string{"mcp:tools", "extra"}, false, "mcp:tools extra"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := ctxT(t)
			f := newFakeAS(t)
			f.authMethod = tc.method
			secret := f.addSecretClient("svc")
			logs := &logBuf{}
			opts := []Option{WithClientSecret(secret)}
			if tc.scopes != nil {
				opts = append(opts, WithScopes(tc.scopes...))
			}
			h := newCCHandler(t, f.mcpURL(), "svc", logs, opts...)
			if err := callWhoami(ctx, t, f, h); err != nil {
				t.Fatal(err)
			}
			form, basics := f.lastTokenForm()
			if got := f.ccCount(); got != 1 {
				t.Errorf("client credentials grants = %d, want 1", got)
			}
			if form.Get("grant_type") != "client_credentials" {
				t.Errorf("grant_type = %q", form.Get("grant_type"))
			}
			if form.Get("resource") != f.mcpURL() {
				t.Errorf("resource = %q, want %q", form.Get("resource"), f.mcpURL())
			}
			if form.Get("scope") != tc.wantScope {
				t.Errorf("scope = %q, want %q", form.Get("scope"), tc.wantScope)
			}
			if gotBasic := basics == 1; gotBasic != tc.wantBasic || form.Has("client_secret") == tc.wantBasic {
				t.Errorf("basic auths = %d, client_secret in form = %v; want basic = %v", basics, form.Has("client_secret"), tc.wantBasic)
			}
			// A second session reuses the token: no new grant.
			if err := callWhoami(ctx, t, f, h); err != nil {
				t.Fatal(err)
			}
			if got := f.ccCount(); got != 1 {
				t.Errorf("after a second session: grants = %d, want 1", got)
			}
			f.checkNoSecrets("log", logs.String())
		})
	}
}

// pemKey returns a private key's PEM in the given encoding and its public key.
func pemKey(t *testing.T, kind string) ([]byte, crypto.PublicKey) {
	t.Helper()
	var (
		signer crypto.Signer
		block  *pem.Block
		err    error
	)
	switch kind {
	case "p256-pkcs8", "p384-sec1":
		curve := elliptic.P256()
		if kind == "p384-sec1" {
			curve = elliptic.P384()
		}
		k, _ := ecdsa.GenerateKey(curve, rand.Reader)
		signer = k
		if kind == "p384-sec1" {
			var der []byte
			der, err = x509.MarshalECPrivateKey(k)
			block = &pem.Block{Type: "EC PRIVATE KEY", Bytes: der}
		}
	case "rsa-pkcs1":
		k, _ := rsa.GenerateKey(rand.Reader, 2048)
		signer = k
		block = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}
	case "ed25519-pkcs8":
		_, k, _ := ed25519.GenerateKey(rand.Reader)
		signer = k
	}
	if block == nil {
		var der []byte
		der, err = x509.MarshalPKCS8PrivateKey(signer)
		block = &pem.Block{Type: "PRIVATE KEY", Bytes: der}
	}
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block), signer.Public()
}

func TestClientCredentialsPrivateKeyJWT(t *testing.T) {
	for _, tc := range []struct{ kind, wantAlg string }{
		{"p256-pkcs8", "ES256"},
		{"p384-sec1", "ES384"},
		{"rsa-pkcs1", "RS256"},
		{"ed25519-pkcs8", "EdDSA"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			ctx := ctxT(t)
			f := newFakeAS(t)
			f.authMethod = "private_key_jwt"
			keyPEM, pub := pemKey(t, tc.kind)
			f.addKeyClient("svc-jwt", pub)
			logs := &logBuf{}
			h := newCCHandler(t, f.mcpURL(), "svc-jwt", logs, WithPrivateKey(keyPEM))
			if err := callWhoami(ctx, t, f, h); err != nil {
				t.Fatal(err)
			}
			form, basics := f.lastTokenForm()
			f.mu.Lock()
			claims, algs, grants := f.assertions, f.assertionAlgs, f.ccGrants
			f.mu.Unlock()
			if grants != 1 || len(claims) != 1 {
				t.Fatalf("grants = %d, verified assertions = %d; want 1 1", grants, len(claims))
			}
			if algs[0] != tc.wantAlg {
				t.Errorf("alg = %s, want %s", algs[0], tc.wantAlg)
			}
			c := claims[0]
			iat, _ := c.GetIssuedAt()
			exp, _ := c.GetExpirationTime()
			if c["iss"] != "svc-jwt" || c["sub"] != "svc-jwt" || c["aud"] != f.as.URL {
				t.Errorf("iss, sub, aud = %v %v %v", c["iss"], c["sub"], c["aud"])
			}
			if d := exp.Sub(iat.Time); d != 5*time.Minute {
				t.Errorf("assertion lifetime = %v, want 5m", d)
			}
			if form.Get("resource") != f.mcpURL() || form.Has("client_secret") || basics != 0 {
				t.Errorf("resource = %q, client_secret sent = %v, basic auths = %d", form.Get("resource"), form.Has("client_secret"), basics)
			}
			// The server forgets the token: a new grant, with a new
			// assertion (the fake refuses a replayed jti).
			f.revokeAccess()
			if err := callWhoami(ctx, t, f, h); err != nil {
				t.Fatal(err)
			}
			if got := f.ccCount(); got != 2 {
				t.Errorf("grants after a rejected token = %d, want 2", got)
			}
			if strings.Contains(logs.String(), "eyJ") || strings.Contains(logs.String(), "PRIVATE KEY") {
				t.Error("log carries the assertion or the key")
			}
			f.checkNoSecrets("log", logs.String())
		})
	}
}

// The token is reused while valid and replaced by a new grant once it
// expires (oauth2 treats a token as expired 10 s early).
func TestClientCredentialsExpiry(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	secret := f.addSecretClient("svc")
	h := newCCHandler(t, f.mcpURL(), "svc", nil, WithClientSecret(secret))
	if ts, _ := h.TokenSource(ctx); ts != nil {
		t.Fatal("token source before the first grant")
	}
	if err := callWhoami(ctx, t, f, h); err != nil {
		t.Fatal(err)
	}
	ts, _ := h.TokenSource(ctx)
	t1, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	t2, _ := ts.Token()
	if t1.AccessToken != t2.AccessToken || f.ccCount() != 1 {
		t.Fatalf("valid token not reused: grants = %d", f.ccCount())
	}
	if t1.RefreshToken != "" {
		t.Error("client credentials token has a refresh token")
	}

	f.mu.Lock()
	f.ttl = 5 * time.Second // expired as soon as it is issued
	f.mu.Unlock()
	f.revokeAccess()
	if err := callWhoami(ctx, t, f, h); err != nil {
		t.Fatal(err)
	}
	ts, _ = h.TokenSource(ctx)
	n := f.ccCount()
	t3, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	t4, _ := ts.Token()
	if t3.AccessToken == t4.AccessToken || f.ccCount() != n+2 {
		t.Errorf("expired token reused: grants %d → %d", n, f.ccCount())
	}
}

func TestClientCredentialsConcurrent401sShareOneGrant(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	secret := f.addSecretClient("svc")
	h := newCCHandler(t, f.mcpURL(), "svc", nil, WithClientSecret(secret))
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
	if got := f.ccCount(); got != 1 {
		t.Errorf("grants = %d, want 1", got)
	}
}

func TestClientCredentialsSSETransport(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	secret := f.addSecretClient("svc")
	u := f.rs.URL + "/sse"
	h := newCCHandler(t, u, "svc", nil, WithClientSecret(secret))
	c := mustClient(mcpclient.NewHTTP(u, mcpclient.WithHTTPTransport(mcpclient.SSE), mcpclient.WithOAuthHandler(h)))
	defer c.Close()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CallTool(ctx, "whoami", nil); err != nil {
		t.Fatal(err)
	}
	if form, _ := f.lastTokenForm(); form.Get("resource") != u {
		t.Errorf("resource = %q, want %q", form.Get("resource"), u)
	}
	f.revokeAccess()
	if _, err := c.CallTool(ctx, "whoami", nil); err != nil {
		t.Fatal(err)
	}
	if got := f.ccCount(); got != 2 {
		t.Errorf("grants = %d, want 2", got)
	}
}

// A refused grant whose error quotes the request: neither the secret nor
// the assertion appears in the error or the log.
func TestClientCredentialsSecretNeverInErrors(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	f.echoOnError = true
	f.authMethod = "client_secret_post"
	f.addSecretClient("svc")
	f.mu.Lock()
	wrong := f.newSecret("CS-wrong")
	f.mu.Unlock()
	logs := &logBuf{}
	h := newCCHandler(t, f.mcpURL(), "svc", logs, WithClientSecret(wrong))
	err := callWhoami(ctx, t, f, h)
	if err == nil {
		t.Fatal("a wrong secret got a token")
	}
	if !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("error does not say what the server answered: %v", err)
	}
	if form, _ := f.lastTokenForm(); form.Get("client_secret") != wrong {
		t.Fatal("the fake did not see the secret in the form (test broken)")
	}
	f.checkNoSecrets("error", err.Error())
	f.checkNoSecrets("log", logs.String())
	var se *StepError
	if !errors.As(err, &se) || se.Step != "token" {
		t.Errorf("error %v is not a token StepError", err)
	}

	// A key the server does not know: the assertion is quoted back.
	keyPEM, _ := pemKey(t, "p256-pkcs8")
	h = newCCHandler(t, f.mcpURL(), "svc", logs, WithPrivateKey(keyPEM))
	err = callWhoami(ctx, t, f, h)
	if err == nil {
		t.Fatal("an unknown key got a token")
	}
	if form, _ := f.lastTokenForm(); !form.Has("client_assertion") || strings.Contains(err.Error(), form.Get("client_assertion")) ||
		strings.Contains(logs.String(), form.Get("client_assertion")) {
		t.Errorf("assertion quoted in error or log: %v", err)
	}
}

func TestClientCredentialsOptionErrors(t *testing.T) {
	ecPEM, _ := pemKey(t, "p256-pkcs8")
	rsaPEM, _ := pemKey(t, "rsa-pkcs1")
	for _, tc := range []struct {
		name     string
		clientID string
		opts     []Option
		want     string
	}{
		{"no client id", "", []Option{WithClientSecret("S3CR3T-x")}, "empty client ID"},
		{"neither", "c", nil, "exactly one"},
		{"both", "c", []Option{WithClientSecret("S3CR3T-x"), WithPrivateKey(ecPEM)}, "exactly one"},
		{"not PEM", "c", []Option{WithPrivateKey([]byte("S3CR3T-x"))}, "no PEM"},
		{"alg for another key", "c", []Option{WithPrivateKey(rsaPEM), WithSigningAlgorithm("ES256")}, "cannot sign ES256"},
		{"HMAC", "c", []Option{WithPrivateKey(ecPEM), WithSigningAlgorithm("HS256")}, "unsupported"},
		{"alg without key", "c", []Option{WithClientSecret("S3CR3T-x"), WithSigningAlgorithm("ES256")}, "needs WithPrivateKey"},
		{"empty secret", "c", []Option{WithClientSecret("")}, "WithClientSecret: empty secret"},
		{"empty key", "c", []Option{WithPrivateKey(nil)}, "WithPrivateKey: empty key"},
		{"no scopes", "c", []Option{WithClientSecret("S3CR3T-x"), WithScopes()}, "WithScopes: no scopes"},
		{"blank scope", "c", []Option{WithClientSecret("S3CR3T-x"), WithScopes("a", "")}, "invalid scope"},
		{"nil logger", "c", []Option{WithClientSecret("S3CR3T-x"), WithLogger(nil)}, "nil logger"},
		// Options that mean nothing to the client credentials grant.
		{"store", "c", []Option{WithClientSecret("S3CR3T-x"), WithStore(NewMemoryStore())}, "WithStore applies to NewHandler and BuildOAuthParams, not NewClientCredentialsHandler"},
		{"client id option", "c", []Option{WithClientSecret("S3CR3T-x"), WithClientID("d")}, "WithClientID applies to"},
		{"client name", "c", []Option{WithClientSecret("S3CR3T-x"), WithClientName("n")}, "WithClientName applies to"},
	} {
		_, err := NewClientCredentialsHandler("https://mcp.example.com/mcp", tc.clientID, tc.opts...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), "S3CR3T") || strings.Contains(err.Error(), "PRIVATE KEY") {
			t.Errorf("%s: error quotes the credential: %v", tc.name, err)
		}
	}
	if _, err := NewClientCredentialsHandler("https://mcp.example.com/mcp", "c", WithPrivateKey(rsaPEM), WithSigningAlgorithm("PS256")); err != nil {
		t.Errorf("RSA key with PS256: %v", err)
	}
}

// A token endpoint on plain HTTP off loopback is refused before the secret
// is sent.
func TestClientCredentialsPlainHTTPTokenEndpointRefused(t *testing.T) {
	ctx := ctxT(t)
	var mu sync.Mutex
	var seen []string
	hc := &http.Client{Transport: rtFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		seen = append(seen, r.URL.String())
		mu.Unlock()
		var body any
		switch r.URL.String() {
		case "https://mcp.example.com/.well-known/oauth-protected-resource/mcp":
			body = map[string]any{"resource": "https://mcp.example.com/mcp", "authorization_servers": []string{"https://as.example.com"}}
		case "https://as.example.com/.well-known/oauth-authorization-server":
			body = map[string]any{"issuer": "https://as.example.com", "token_endpoint": "http://as.example.com/token",
				"authorization_endpoint": "https://as.example.com/authorize", "response_types_supported": []string{"code"},
				"code_challenge_methods_supported": []string{"S256"}}
		default:
			return &http.Response{StatusCode: 404, Header: http.Header{}, Body: http.NoBody, Request: r}, nil
		}
		b, _ := json.Marshal(body)
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(bytes.NewReader(b)), Request: r}, nil
	})}
	const server = "https://mcp.example.com/mcp"
	h := newCCHandler(t, server, "svc", nil, WithClientSecret("S3CR3T-x"), WithHTTPClient(hc))
	req, _ := http.NewRequest(http.MethodPost, server, nil)
	resp := &http.Response{StatusCode: 401, Header: http.Header{"Www-Authenticate": {`Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"`}}, Body: http.NoBody}
	err := h.Authorize(ctx, req, resp)
	var se *StepError
	if err == nil || !errors.As(err, &se) || se.Step != "auth-server-metadata" || !strings.Contains(err.Error(), "HTTPS") {
		t.Fatalf("Authorize err = %v, want an auth-server-metadata step error about HTTPS", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, u := range seen {
		if strings.Contains(u, "/token") {
			t.Errorf("contacted the plain-HTTP token endpoint: %s", u)
		}
	}
}
