package oauth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DPoP binds access tokens to a key the client holds (RFC 9449; the MCP
// extension SEP-1932), so that a stolen token is useless without the key.
// One DPoP value serves one login: give it to the handler with [WithDPoP],
// so that token requests carry a proof and the authorization server issues
// DPoP-bound tokens, and wrap the MCP client's transport with
// [DPoP.Transport] (mcpclient.WithRoundTripper(d.Transport)), so that every
// request presents the token with the DPoP scheme and a fresh proof (a
// signed JWT naming the method, the URL, the time, a unique ID and the
// token's hash).
//
// When a server asks for a nonce (use_dpop_nonce: a 400 from the token
// endpoint, a 401 from the MCP server, each with a DPoP-Nonce header) the
// request is sent once more with a proof carrying it; later proofs to that
// origin carry the latest nonce the origin sent. A server that asks again
// for a new nonce gets no third try: the token endpoint's refusal is the
// handler's error, the MCP server's is [ErrDPoPNonceLoop].
//
// The key is an ECDSA P-256 key (ES256) made by [NewDPoP] and kept in
// memory only: tokens stored by an earlier process were bound to another
// key, so the server refuses them and the handler logs in again. A DPoP is
// safe for concurrent use.
type DPoP struct {
	key *ecdsa.PrivateKey
	jwk map[string]any

	mu     sync.Mutex
	nonces map[string]string // by origin, the latest DPoP-Nonce
}

// NewDPoP makes a DPoP with a new ES256 key.
func NewDPoP() (*DPoP, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("oauth: NewDPoP: %w", err)
	}
	pub, err := key.PublicKey.ECDH()
	if err != nil {
		return nil, fmt.Errorf("oauth: NewDPoP: %w", err)
	}
	b := pub.Bytes() // 0x04 || X || Y
	enc := base64.RawURLEncoding
	return &DPoP{
		key:    key,
		jwk:    map[string]any{"kty": "EC", "crv": "P-256", "x": enc.EncodeToString(b[1:33]), "y": enc.EncodeToString(b[33:])},
		nonces: map[string]string{},
	}, nil
}

// WithDPoP makes the handler's token requests carry DPoP proofs of d, so
// that the tokens it gets are bound to d's key; the MCP client must then
// send its requests through [DPoP.Transport]. A nil d is an error. Applies
// to NewHandler, NewClientCredentialsHandler, NewJWTBearerHandler and
// NewEnterpriseHandler.
func WithDPoP(d *DPoP) Option {
	return option("WithDPoP", forHandler|forClientCredentials|forGrant, func(o *options) error {
		if d == nil {
			return errors.New("nil DPoP")
		}
		o.dpop = d
		return nil
	})
}

// Transport wraps next (the MCP client's transport) so that a request
// carrying an access token ("Authorization: Bearer …", as the go-sdk sets
// it) presents it as "Authorization: DPoP …" with a fresh proof, and is
// sent once more with the server's nonce when the server asks for one. A
// request without a token passes unchanged. For
// mcpclient.WithRoundTripper.
func (d *DPoP) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &dpopTransport{d: d, next: next}
}

// client returns a copy of c whose POSTs (token requests) carry proofs.
func (d *DPoP) client(c *http.Client) *http.Client {
	if c == nil {
		c = http.DefaultClient
	}
	out := *c //nolint:govet // copying the config, not a lock
	next := out.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	out.Transport = &dpopTransport{d: d, next: next, tokenRequests: true}
	return &out
}

type dpopTransport struct {
	d    *DPoP
	next http.RoundTripper
	// tokenRequests: proofs on every POST (the authorization server's
	// endpoints), without a token hash; else only on requests with a token.
	tokenRequests bool
}

func (t *dpopTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var token string
	if a := req.Header.Get("Authorization"); a != "" {
		scheme, tok, ok := strings.Cut(a, " ")
		if ok && (strings.EqualFold(scheme, "Bearer") || strings.EqualFold(scheme, "DPoP")) {
			token = strings.TrimSpace(tok)
		}
	}
	if token == "" && !(t.tokenRequests && req.Method == http.MethodPost) {
		return t.next.RoundTrip(req)
	}
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	origin := req.URL.Scheme + "://" + req.URL.Host
	nonce := t.d.nonce(origin)
	r, err := t.d.prepare(req, token, nonce, false)
	if err != nil {
		closeReqBody(req)
		return nil, err
	}
	resp, err := t.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	fresh := resp.Header.Get("DPoP-Nonce")
	if fresh != "" {
		t.d.setNonce(origin, fresh)
	}
	if fresh == "" || fresh == nonce || !replayable || !askedForNonce(resp) {
		return resp, nil
	}
	// The server wants a proof with its nonce: once more, with it.
	_ = resp.Body.Close()
	r, err = t.d.prepare(req, token, fresh, true)
	if err != nil {
		return nil, err
	}
	resp, err = t.next.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	if again := resp.Header.Get("DPoP-Nonce"); again != "" {
		t.d.setNonce(origin, again)
		if !t.tokenRequests && again != fresh && askedForNonce(resp) {
			// Refused the nonce it just gave: a loop. An error, rather
			// than a 401 that would send the client to log in again.
			_ = resp.Body.Close()
			return nil, fmt.Errorf("oauth: %s %s: %w", req.Method, redactURL(req.URL.String()), ErrDPoPNonceLoop)
		}
	}
	return resp, nil
}

// ErrDPoPNonceLoop is returned (wrapped) by [DPoP.Transport] when a server
// refuses the nonce it has just sent and asks for another.
var ErrDPoPNonceLoop = errors.New("DPoP: the server asked for a new nonce again, refusing the one it had just given")

// askedForNonce reports a use_dpop_nonce refusal: a 401 whose DPoP
// challenge says so, or a 400 from a token endpoint (whose JSON error says
// so; its DPoP-Nonce header is the signal that matters).
func askedForNonce(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		for _, v := range resp.Header.Values("WWW-Authenticate") {
			if strings.Contains(v, "use_dpop_nonce") {
				return true
			}
		}
		return false
	case http.StatusBadRequest:
		return true
	}
	return false
}

func (d *DPoP) nonce(origin string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.nonces[origin]
}

func (d *DPoP) setNonce(origin, n string) {
	if len(n) > 1024 {
		return // not a nonce anyone should echo
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.nonces[origin] = n
}

// prepare returns a copy of req with the DPoP scheme and a fresh proof
// (and a fresh body when again is set: the first one was sent).
func (d *DPoP) prepare(req *http.Request, token, nonce string, again bool) (*http.Request, error) {
	r := req.Clone(req.Context())
	if again && req.Body != nil && req.Body != http.NoBody {
		b, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		r.Body = b
	}
	proof, err := d.proof(req.Method, req.URL.Scheme+"://"+req.URL.Host+req.URL.EscapedPath(), token, nonce)
	if err != nil {
		return nil, fmt.Errorf("oauth: DPoP proof: %w", err)
	}
	if token != "" {
		r.Header.Set("Authorization", "DPoP "+token)
	}
	r.Header.Set("DPoP", proof)
	return r, nil
}

// proof signs a DPoP proof JWT (RFC 9449 §4.2) for one request.
func (d *DPoP) proof(method, htu, token, nonce string) (string, error) {
	claims := jwt.MapClaims{
		"jti": rand.Text(),
		"htm": method,
		"htu": htu,
		"iat": time.Now().Unix(),
	}
	if token != "" {
		sum := sha256.Sum256([]byte(token))
		claims["ath"] = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	t := jwt.NewWithClaims(jwt.SigningMethodES256, claims)
	t.Header["typ"] = "dpop+jwt"
	t.Header["jwk"] = d.jwk
	return t.SignedString(d.key)
}

func closeReqBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}
