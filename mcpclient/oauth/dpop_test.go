package oauth

import (
	"context"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/oauth2"

	"github.com/mcprun/mcprun/mcpclient"
)

// dpopVerifier checks DPoP proofs as a server does (RFC 9449 §4.3).
type dpopVerifier struct {
	mu   sync.Mutex
	jtis map[string]bool
}

func (v *dpopVerifier) check(r *http.Request, token string) (jwt.MapClaims, error) {
	proofs := r.Header.Values("DPoP")
	if len(proofs) != 1 {
		return nil, fmt.Errorf("%d DPoP headers", len(proofs))
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(proofs[0], claims, func(t *jwt.Token) (any, error) {
		if t.Header["typ"] != "dpop+jwt" {
			return nil, fmt.Errorf("typ %v", t.Header["typ"])
		}
		jwk, _ := t.Header["jwk"].(map[string]any)
		if jwk == nil || jwk["kty"] != "EC" || jwk["crv"] != "P-256" || jwk["d"] != nil {
			return nil, fmt.Errorf("jwk %v", jwk)
		}
		x, _ := base64.RawURLEncoding.DecodeString(jwk["x"].(string))
		y, _ := base64.RawURLEncoding.DecodeString(jwk["y"].(string))
		pub, err := ecdh.P256().NewPublicKey(append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, err
		}
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return nil, err
		}
		k, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, err
		}
		return k.(*ecdsa.PublicKey), nil
	}, jwt.WithValidMethods([]string{"ES256"}))
	if err != nil {
		return nil, err
	}
	if claims["htm"] != r.Method || claims["htu"] != "http://"+r.Host+r.URL.Path {
		return nil, fmt.Errorf("htm %v htu %v for %s %s", claims["htm"], claims["htu"], r.Method, r.URL)
	}
	if _, ok := claims["iat"].(float64); !ok {
		return nil, fmt.Errorf("no iat")
	}
	jti, _ := claims["jti"].(string)
	v.mu.Lock()
	defer v.mu.Unlock()
	if jti == "" || v.jtis[jti] {
		return nil, fmt.Errorf("jti %q missing or reused", jti)
	}
	v.jtis[jti] = true
	if token != "" {
		sum := sha256.Sum256([]byte(token))
		if claims["ath"] != base64.RawURLEncoding.EncodeToString(sum[:]) {
			return nil, fmt.Errorf("ath %v", claims["ath"])
		}
	} else if claims["ath"] != nil {
		return nil, fmt.Errorf("ath without a token")
	}
	return claims, nil
}

// The MCP side: the token goes with the DPoP scheme and a fresh proof; a
// server's nonce is honoured with one more try, and remembered.
func TestDPoPTransportResource(t *testing.T) {
	v := &dpopVerifier{jtis: map[string]bool{}}
	var mu sync.Mutex
	var requests, challenges int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requests++
		mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		if string(body) != "payload" {
			http.Error(w, "body "+string(body), http.StatusBadRequest)
			return
		}
		if r.Header.Get("Authorization") != "DPoP tok" {
			http.Error(w, "scheme: "+r.Header.Get("Authorization"), http.StatusUnauthorized)
			return
		}
		claims, err := v.check(r, "tok")
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if claims["nonce"] != "n1" {
			mu.Lock()
			challenges++
			mu.Unlock()
			w.Header().Set("WWW-Authenticate", `DPoP error="use_dpop_nonce"`)
			w.Header().Set("DPoP-Nonce", "n1")
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	d, err := NewDPoP()
	if err != nil {
		t.Fatal(err)
	}
	hc := &http.Client{Transport: d.Transport(nil)}
	for i := range 2 {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/mcp?x=1", strings.NewReader("payload"))
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %s %s", i, resp.Status, b)
		}
	}
	if requests != 3 || challenges != 1 {
		t.Errorf("%d requests, %d nonce challenges; want 3 and 1 (one retry, then the nonce remembered)", requests, challenges)
	}
	// A request without a token passes untouched.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/mcp", nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest { // the test server wants a body
		t.Errorf("untokened request: %s", resp.Status)
	}
}

// A server that asks for a new nonce every time gets one retry, not a loop.
func TestDPoPNonceNoLoop(t *testing.T) {
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		n++
		nonce := fmt.Sprint("n", n)
		mu.Unlock()
		w.Header().Set("WWW-Authenticate", `DPoP error="use_dpop_nonce"`)
		w.Header().Set("DPoP-Nonce", nonce)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	d, _ := NewDPoP()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := (&http.Client{Transport: d.Transport(nil)}).Do(req)
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, ErrDPoPNonceLoop) || n != 2 {
		t.Errorf("%v after %d requests, want ErrDPoPNonceLoop after 2", err, n)
	}
}

// The token endpoint side: a POST carries a proof without a token hash,
// and a use_dpop_nonce 400 is answered once with the nonce.
func TestDPoPTokenRequests(t *testing.T) {
	v := &dpopVerifier{jtis: map[string]bool{}}
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		claims, err := v.check(r, "")
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		_ = r.ParseForm()
		if r.PostForm.Get("grant_type") != "authorization_code" {
			http.Error(w, "form lost", http.StatusForbidden)
			return
		}
		if claims["nonce"] != "as-nonce" {
			w.Header().Set("DPoP-Nonce", "as-nonce")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error":"use_dpop_nonce"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"access_token":"a","token_type":"DPoP"}`)
	}))
	defer srv.Close()
	d, _ := NewDPoP()
	resp, err := d.client(nil).PostForm(srv.URL+"/token", map[string][]string{"grant_type": {"authorization_code"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || calls != 2 {
		t.Errorf("%s %s after %d calls, want 200 after 2", resp.Status, b, calls)
	}
}

func TestWithDPoPNil(t *testing.T) {
	if _, err := NewClientCredentialsHandler("https://mcp.example/", "id", WithClientSecret("s"), WithDPoP(nil)); err == nil || !strings.Contains(err.Error(), "nil DPoP") {
		t.Errorf("WithDPoP(nil): %v", err)
	}
}

type staticToken struct{}

func (staticToken) TokenSource(context.Context) (oauth2.TokenSource, error) {
	return oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok"}), nil
}

func (staticToken) Authorize(context.Context, *http.Request, *http.Response) error {
	return errors.New("no login here")
}

// Through mcpclient, a server caught in a nonce loop is one clear error
// naming it.
func TestDPoPNonceLoopThroughClient(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		w.Header().Set("WWW-Authenticate", `DPoP error="use_dpop_nonce"`)
		w.Header().Set("DPoP-Nonce", fmt.Sprint("n", n))
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	d, _ := NewDPoP()
	c, err := mcpclient.NewHTTP(srv.URL, mcpclient.WithName("looper"), mcpclient.WithHTTPTransport(mcpclient.Streamable),
		mcpclient.WithReconnect(0), mcpclient.WithOAuthHandler(staticToken{}), mcpclient.WithRoundTripper(d.Transport))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Connect(ctxT(t))
	if !errors.Is(err, ErrDPoPNonceLoop) || !strings.Contains(err.Error(), "looper") {
		t.Errorf("Connect = %v, want ErrDPoPNonceLoop naming the server", err)
	}
	if n > 4 {
		t.Errorf("%d requests: a loop", n)
	}
}
