package oauth

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"

	"github.com/mcprun/mcprun/mcpclient"
)

// fakeAS is an in-process authorization server plus an MCP server protected
// by the go-sdk's RequireBearerToken, both on loopback.
type fakeAS struct {
	t  *testing.T
	as *httptest.Server
	rs *httptest.Server

	mu            sync.Mutex
	clients       map[string]string // client_id → secret
	redirects     map[string]string // client_id → redirect URI
	codes         map[string]codeGrant
	access        map[string]time.Time // access token → expiry
	refresh       map[string]bool      // refresh token → valid
	secrets       []string             // every credential handed out
	registrations int
	authorizes    int
	exchanges     int
	refreshes     int
	authQueries   []url.Values
	tokenForms    []url.Values
	basicAuths    int                         // token requests with an HTTP Basic header
	ccGrants      int                         // client credentials grants issued
	jwtKeys       map[string]crypto.PublicKey // client_id → private_key_jwt key
	jtis          map[string]bool             // assertion IDs seen (replay check)
	assertions    []jwt.MapClaims             // verified client assertions
	assertionAlgs []string                    // their JWS algorithms
	bearerJWTs    map[string]bool             // assertions the JWT bearer grant takes
	bearerGrants  int                         // JWT bearer grants issued
	idTokens      map[string]bool             // ID tokens the fake IdP exchanges
	exchangeForms []url.Values                // token exchanges at the fake IdP

	// Behaviour switches.
	ttl          time.Duration // access token lifetime
	authError    string        // /authorize redirects with this error
	wrongState   bool          // /authorize redirects with another state
	wrongIss     bool          // /authorize sends another iss
	refuseCode   bool          // /token refuses every authorization code
	echoOnError  bool          // /token error descriptions quote the request
	authMethod   string        // token_endpoint_auth_methods_supported[0]
	requireScope []string      // RequireBearerToken scopes
}

type codeGrant struct {
	clientID, challenge, resource, redirect string
}

func newFakeAS(t *testing.T) *fakeAS {
	t.Helper()
	f := &fakeAS{t: t, clients: map[string]string{}, redirects: map[string]string{}, codes: map[string]codeGrant{},
		access: map[string]time.Time{}, refresh: map[string]bool{},
		jwtKeys: map[string]crypto.PublicKey{}, jtis: map[string]bool{}, ttl: time.Hour, authMethod: "client_secret_post",
		bearerJWTs: map[string]bool{}, idTokens: map[string]bool{}}
	f.as = httptest.NewServer(http.HandlerFunc(f.serveAS))
	t.Cleanup(f.as.Close)

	srv := mcp.NewServer(&mcp.Implementation{Name: "protected", Version: "1"}, nil)
	mcp.AddTool(srv, &mcp.Tool{Name: "whoami", Description: "says hi"}, func(ctx context.Context, _ *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "hello"}}}, nil, nil
	})
	mux := http.NewServeMux()
	f.rs = httptest.NewServer(mux)
	t.Cleanup(f.rs.Close)
	protect := func(path string, h http.Handler) {
		prmPath := "/.well-known/oauth-protected-resource" + path
		mux.Handle(prmPath, auth.ProtectedResourceMetadataHandler(&oauthex.ProtectedResourceMetadata{
			Resource:             f.rs.URL + path,
			AuthorizationServers: []string{f.as.URL},
			ScopesSupported:      []string{"mcp:tools"},
		}))
		mux.Handle(path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f.mu.Lock()
			scopes := f.requireScope
			f.mu.Unlock()
			auth.RequireBearerToken(f.verify, &auth.RequireBearerTokenOptions{
				ResourceMetadataURL: f.rs.URL + prmPath, Scopes: scopes,
			})(h).ServeHTTP(w, r)
		}))
	}
	protect("/mcp", mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
	sse := mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	protect("/sse", sse)
	return f
}

func (f *fakeAS) mcpURL() string { return f.rs.URL + "/mcp" }

func (f *fakeAS) verify(_ context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	exp, ok := f.access[token]
	if !ok || time.Now().After(exp) {
		return nil, auth.ErrInvalidToken
	}
	return &auth.TokenInfo{Scopes: []string{"mcp:tools"}, Expiration: exp}, nil
}

func (f *fakeAS) newSecret(prefix string) string {
	s := prefix + "-" + rand.Text()
	f.secrets = append(f.secrets, s)
	return s
}

// revokeAccess makes every access token invalid (the server forgot them).
func (f *fakeAS) revokeAccess() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.access)
}

// revokeAll makes every access and refresh token invalid.
func (f *fakeAS) revokeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.access)
	clear(f.refresh)
}

func (f *fakeAS) counts() (reg, authz, exch, refr int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.registrations, f.authorizes, f.exchanges, f.refreshes
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeAS) serveAS(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch r.URL.Path {
	case "/.well-known/oauth-authorization-server":
		writeJSON(w, 200, map[string]any{
			"issuer":                                           f.as.URL,
			"authorization_endpoint":                           f.as.URL + "/authorize",
			"token_endpoint":                                   f.as.URL + "/token",
			"registration_endpoint":                            f.as.URL + "/register",
			"code_challenge_methods_supported":                 []string{"S256"},
			"token_endpoint_auth_methods_supported":            []string{f.authMethod},
			"response_types_supported":                         []string{"code"},
			"grant_types_supported":                            []string{"authorization_code", "refresh_token", "client_credentials"},
			"token_endpoint_auth_signing_alg_values_supported": []string{"ES256", "RS256"},
			"scopes_supported":                                 []string{"mcp:tools", "offline_access"},
			"authorization_response_iss_parameter_supported":   true,
		})
	case "/register":
		var meta oauthex.ClientRegistrationMetadata
		if err := json.NewDecoder(r.Body).Decode(&meta); err != nil || len(meta.RedirectURIs) != 1 {
			writeJSON(w, 400, map[string]string{"error": "invalid_client_metadata"})
			return
		}
		f.registrations++
		id := "client-" + rand.Text()[:8]
		resp := map[string]any{"client_id": id, "redirect_uris": meta.RedirectURIs,
			"grant_types": meta.GrantTypes, "token_endpoint_auth_method": meta.TokenEndpointAuthMethod}
		secret := ""
		if meta.TokenEndpointAuthMethod != "none" {
			secret = f.newSecret("CS")
			resp["client_secret"] = secret
		}
		f.clients[id] = secret
		f.redirects[id] = meta.RedirectURIs[0]
		writeJSON(w, 201, resp)
	case "/authorize":
		q := r.URL.Query()
		f.authorizes++
		f.authQueries = append(f.authQueries, q)
		id := q.Get("client_id")
		if _, ok := f.clients[id]; !ok || f.redirects[id] != q.Get("redirect_uri") {
			http.Error(w, "unknown client or redirect_uri", 400)
			return
		}
		if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
			http.Error(w, "PKCE S256 required", 400)
			return
		}
		back, _ := url.Parse(q.Get("redirect_uri"))
		v := url.Values{}
		v.Set("state", q.Get("state"))
		if f.wrongState {
			v.Set("state", "not-the-state")
		}
		v.Set("iss", f.as.URL)
		if f.wrongIss {
			v.Set("iss", "https://evil.example.com")
		}
		if f.authError != "" {
			v.Set("error", f.authError)
			v.Set("error_description", "the user said no")
		} else {
			code := f.newSecret("CODE")
			f.codes[code] = codeGrant{clientID: id, challenge: q.Get("code_challenge"), resource: q.Get("resource"), redirect: q.Get("redirect_uri")}
			v.Set("code", code)
		}
		back.RawQuery = v.Encode()
		http.Redirect(w, r, back.String(), http.StatusFound)
	case "/idp/token": // an enterprise IdP's token exchange (RFC 8693, SEP-990)
		_ = r.ParseForm()
		form := r.PostForm
		f.exchangeForms = append(f.exchangeForms, form)
		switch {
		case form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:token-exchange",
			form.Get("requested_token_type") != "urn:ietf:params:oauth:token-type:id-jag",
			form.Get("subject_token_type") != "urn:ietf:params:oauth:token-type:id_token":
			writeJSON(w, 400, map[string]string{"error": "invalid_request"})
		case !f.idTokens[form.Get("subject_token")]:
			writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "unknown ID token"})
		case form.Get("audience") != f.as.URL || form.Get("resource") != f.mcpURL():
			writeJSON(w, 400, map[string]string{"error": "invalid_target"})
		default:
			jag := f.newSecret("JAG")
			f.bearerJWTs[jag] = true
			writeJSON(w, 200, map[string]any{"access_token": jag, "issued_token_type": "urn:ietf:params:oauth:token-type:id-jag", "token_type": "N_A", "expires_in": 300})
		}
	case "/token":
		_ = r.ParseForm()
		form := r.PostForm
		f.tokenForms = append(f.tokenForms, form)
		fail := func(code, desc string) {
			if f.echoOnError {
				desc += " (request: " + form.Encode() + ")"
			}
			writeJSON(w, 400, map[string]string{"error": code, "error_description": desc})
		}
		id, secret, ok := r.BasicAuth()
		if ok {
			f.basicAuths++
		} else {
			id, secret = form.Get("client_id"), form.Get("client_secret")
		}
		if form.Has("client_assertion") {
			if ok || form.Has("client_secret") {
				fail("invalid_request", "more than one client authentication method")
				return
			}
			var err error
			if id, err = f.verifyAssertion(form); err != nil {
				fail("invalid_client", "client assertion: "+err.Error())
				return
			}
		} else if want, known := f.clients[id]; !known || want != secret {
			fail("invalid_client", "bad client")
			return
		}
		issueRefresh := true
		switch form.Get("grant_type") {
		case "authorization_code":
			g, ok := f.codes[form.Get("code")]
			delete(f.codes, form.Get("code"))
			sum := sha256.Sum256([]byte(form.Get("code_verifier")))
			switch {
			case !ok || g.clientID != id || f.refuseCode:
				fail("invalid_grant", "bad code")
				return
			case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
				fail("invalid_grant", "PKCE verification failed")
				return
			case form.Get("resource") != g.resource || g.resource == "":
				fail("invalid_target", "resource mismatch")
				return
			}
			f.exchanges++
		case "refresh_token":
			if !f.refresh[form.Get("refresh_token")] {
				fail("invalid_grant", "refresh token revoked")
				return
			}
			delete(f.refresh, form.Get("refresh_token")) // rotation
			f.refreshes++
		case "urn:ietf:params:oauth:grant-type:jwt-bearer":
			if !f.bearerJWTs[form.Get("assertion")] {
				fail("invalid_grant", "assertion refused")
				return
			}
			if form.Get("resource") != f.mcpURL() {
				fail("invalid_target", "resource mismatch")
				return
			}
			f.bearerGrants++
			issueRefresh = false
		case "client_credentials":
			if form.Get("resource") != f.mcpURL() && form.Get("resource") != f.rs.URL+"/sse" {
				fail("invalid_target", "resource mismatch")
				return
			}
			f.ccGrants++
			issueRefresh = false // RFC 6749 §4.4.3
		default:
			fail("unsupported_grant_type", "no")
			return
		}
		at := f.newSecret("AT")
		f.access[at] = time.Now().Add(f.ttl)
		answer := map[string]any{"access_token": at, "token_type": "Bearer",
			"expires_in": int(f.ttl / time.Second), "scope": "mcp:tools"}
		if issueRefresh {
			rt := f.newSecret("RT")
			f.refresh[rt] = true
			answer["refresh_token"] = rt
		}
		writeJSON(w, 200, answer)
	default:
		http.NotFound(w, r)
	}
}

// verifyAssertion checks a private_key_jwt client assertion (RFC 7523 §3)
// against the client's registered public key and returns the client ID.
// Called with f.mu held.
func (f *fakeAS) verifyAssertion(form url.Values) (string, error) {
	if form.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		return "", fmt.Errorf("client_assertion_type %q", form.Get("client_assertion_type"))
	}
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(form.Get("client_assertion"), claims, func(tok *jwt.Token) (any, error) {
		iss, _ := tok.Claims.GetIssuer()
		k, ok := f.jwtKeys[iss]
		if !ok {
			return nil, fmt.Errorf("unknown client %q", iss)
		}
		return k, nil
	}, jwt.WithValidMethods([]string{"ES256", "ES384", "RS256", "PS256", "EdDSA"}),
		jwt.WithAudience(f.as.URL), jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	if err != nil {
		return "", err
	}
	iss, _ := claims.GetIssuer()
	sub, _ := claims.GetSubject()
	exp, _ := claims.GetExpirationTime()
	iat, _ := claims.GetIssuedAt()
	jti, _ := claims["jti"].(string)
	switch {
	case sub != iss:
		return "", fmt.Errorf("sub %q != iss %q", sub, iss)
	case form.Has("client_id") && form.Get("client_id") != iss:
		return "", errors.New("client_id does not match the assertion")
	case iat == nil || exp.Sub(iat.Time) > 10*time.Minute:
		return "", errors.New("assertion lives too long")
	case jti == "" || f.jtis[jti]:
		return "", errors.New("missing or replayed jti")
	}
	f.jtis[jti] = true
	f.assertions = append(f.assertions, claims)
	f.assertionAlgs = append(f.assertionAlgs, tok.Method.Alg())
	return iss, nil
}

func (f *fakeAS) ccCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ccGrants
}

// checkNoSecrets fails if any credential the server handed out appears in s.
func (f *fakeAS) checkNoSecrets(where, s string) {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, sec := range f.secrets {
		if strings.Contains(s, sec) {
			f.t.Errorf("%s contains the credential %s", where, sec[:4])
		}
	}
}

// mustClient returns c, and panics on a constructor's error: the tests'
// options are valid.
func mustClient(c *mcpclient.Client, err error) *mcpclient.Client {
	if err != nil {
		panic(err)
	}
	return c
}
