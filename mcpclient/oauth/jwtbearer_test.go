package oauth

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func (f *fakeAS) grantCounts() (bearer, exchanges, tokenRequests int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bearerGrants, len(f.exchangeForms), len(f.tokenForms)
}

// Workload identity federation: the platform's JWT, asked for with the
// authorization server's issuer as its audience, is traded in the JWT
// bearer grant by a public client; the token is reused.
func TestJWTBearerWorkloadIdentity(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	f.mu.Lock()
	f.clients["workload"] = "" // a public client
	f.bearerJWTs["WORKLOAD-JWT"] = true
	f.mu.Unlock()
	var audiences []string
	logs := &logBuf{}
	h, err := NewJWTBearerHandler(f.mcpURL(), "workload", func(_ context.Context, aud string) (string, error) {
		audiences = append(audiences, aud)
		return "WORKLOAD-JWT", nil
	}, WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := callWhoami(ctx, t, f, h); err != nil {
			t.Fatal(err)
		}
	}
	form, basics := f.lastTokenForm()
	if form.Get("grant_type") != grantTypeJWTBearer || form.Get("assertion") != "WORKLOAD-JWT" ||
		form.Get("client_id") != "workload" || form.Has("client_secret") || basics != 0 || form.Get("resource") != f.mcpURL() {
		t.Errorf("token request %v (basic auths %d)", form, basics)
	}
	if form.Has("scope") {
		t.Errorf("scope %q sent, though none was asked for or challenged", form.Get("scope"))
	}
	if bearer, _, _ := f.grantCounts(); bearer != 1 {
		t.Errorf("%d grants, want 1 (the token is reused)", bearer)
	}
	if len(audiences) != 1 || audiences[0] != f.as.URL {
		t.Errorf("assertion asked for audiences %v, want [%s]", audiences, f.as.URL)
	}
	if strings.Contains(logs.String(), "WORKLOAD-JWT") {
		t.Error("the assertion reached the log")
	}
}

// A refused assertion is the caller's error, at once: no retry, no other
// grant type, and the assertion is not quoted.
func TestJWTBearerRefusedNotRetried(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	f.echoOnError = true
	f.mu.Lock()
	f.clients["workload"] = ""
	f.mu.Unlock()
	h, err := NewJWTBearerHandler(f.mcpURL(), "workload", func(context.Context, string) (string, error) { return "STALE-JWT", nil })
	if err != nil {
		t.Fatal(err)
	}
	err = callWhoami(ctx, t, f, h)
	var se *StepError
	if !errors.As(err, &se) || se.Step != "token" {
		t.Fatalf("err = %v, want a token StepError", err)
	}
	if strings.Contains(err.Error(), "STALE-JWT") {
		t.Errorf("the assertion is in the error: %v", err)
	}
	if _, _, n := f.grantCounts(); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
}

// Enterprise-managed authorization: the user's ID token is exchanged at
// the IdP for an ID-JAG naming the authorization server and the resource,
// which the confidential client trades with client_secret_basic.
func TestEnterpriseHandler(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	f.authMethod = "client_secret_basic"
	secret := f.addSecretClient("app")
	f.mu.Lock()
	f.idTokens["USER-ID-TOKEN"] = true
	f.mu.Unlock()
	h, err := NewEnterpriseHandler(f.mcpURL(), "app", EnterpriseIdP{
		TokenEndpoint: f.as.URL + "/idp/token",
		ClientID:      "idp-app",
		IDToken:       func(context.Context) (string, error) { return "USER-ID-TOKEN", nil },
	}, WithClientSecret(secret))
	if err != nil {
		t.Fatal(err)
	}
	if err := callWhoami(ctx, t, f, h); err != nil {
		t.Fatal(err)
	}
	bearer, exchanges, _ := f.grantCounts()
	if bearer != 1 || exchanges != 1 {
		t.Fatalf("%d grants, %d exchanges; want 1 and 1", bearer, exchanges)
	}
	f.mu.Lock()
	ex := f.exchangeForms[0]
	f.mu.Unlock()
	if ex.Get("client_id") != "idp-app" || ex.Get("audience") != f.as.URL || ex.Get("resource") != f.mcpURL() {
		t.Errorf("token exchange %v", ex)
	}
	form, basics := f.lastTokenForm()
	if form.Get("grant_type") != grantTypeJWTBearer || !strings.HasPrefix(form.Get("assertion"), "JAG-") || basics != 1 || form.Has("client_secret") {
		t.Errorf("grant %v (basic auths %d), want the ID-JAG with client_secret_basic", form, basics)
	}
	// An ID token the IdP does not take fails the exchange step.
	h2, _ := NewEnterpriseHandler(f.mcpURL(), "app", EnterpriseIdP{
		TokenEndpoint: f.as.URL + "/idp/token", ClientID: "idp-app",
		IDToken: func(context.Context) (string, error) { return "FORGED", nil },
	}, WithClientSecret(secret))
	if err := callWhoami(ctx, t, f, h2); err == nil || !strings.Contains(err.Error(), "token exchange at the IdP") || strings.Contains(err.Error(), "FORGED") {
		t.Errorf("forged ID token: %v", err)
	}
}

func TestGrantHandlerOptionErrors(t *testing.T) {
	ok := func(context.Context, string) (string, error) { return "x", nil }
	idp := EnterpriseIdP{Issuer: "https://idp.example", ClientID: "c", IDToken: func(context.Context) (string, error) { return "t", nil }}
	for name, err := range map[string]error{
		"nil assertion": func() error { _, err := NewJWTBearerHandler("https://s.example/mcp", "c", nil); return err }(),
		"empty client":  func() error { _, err := NewJWTBearerHandler("https://s.example/mcp", "", ok); return err }(),
		"store": func() error {
			_, err := NewJWTBearerHandler("https://s.example/mcp", "c", ok, WithStore(NewMemoryStore()))
			return err
		}(),
		"no ID token": func() error {
			i := idp
			i.IDToken = nil
			_, err := NewEnterpriseHandler("https://s.example/mcp", "c", i)
			return err
		}(),
		"no IdP client": func() error {
			i := idp
			i.ClientID = ""
			_, err := NewEnterpriseHandler("https://s.example/mcp", "c", i)
			return err
		}(),
		"plain-http IdP": func() error {
			i := idp
			i.Issuer = "http://idp.example"
			_, err := NewEnterpriseHandler("https://s.example/mcp", "c", i)
			return err
		}(),
		"private key here": func() error {
			_, err := NewJWTBearerHandler("https://s.example/mcp", "c", ok, WithPrivateKey([]byte("k")))
			return err
		}(),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := NewEnterpriseHandler("https://s.example/mcp", "c", idp, WithScopes("a"), WithClientSecret("s"), WithDPoP(mustDPoP(t))); err != nil {
		t.Errorf("valid options: %v", err)
	}
}

func mustDPoP(t *testing.T) *DPoP {
	d, err := NewDPoP()
	if err != nil {
		t.Fatal(err)
	}
	return d
}
