package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"

	"github.com/mcprun/mcprun/internal/loopback"
)

// StepError says which step of the OAuth flow failed. It never carries tokens
// or client secrets.
type StepError struct {
	// Step is "probe", "resource-metadata", "auth-server-metadata",
	// "registration", "authorize", "callback", "exchange", "refresh" or
	// "token" (the client credentials grant).
	Step string
	Err  error
}

// Error implements error.
func (e *StepError) Error() string { return "oauth " + e.Step + ": " + e.Err.Error() }

// Unwrap returns the underlying error, for errors.Is and errors.As.
func (e *StepError) Unwrap() error { return e.Err }

func stepErr(step string, err error) error {
	if err == nil {
		return nil
	}
	return &StepError{Step: step, Err: err}
}

// discovery is what the metadata steps learn about a server.
type discovery struct {
	prm *oauthex.ProtectedResourceMetadata
	asm *oauthex.AuthServerMeta
	// legacy is set when the server has no protected-resource metadata:
	// the 2025-03-26 rules apply (the server's origin is the authorization
	// base URL), and asm came from legacyAuthServerMetadata.
	legacy bool
}

// discover fetches protected-resource metadata (from the challenge's
// resource_metadata, then the well-known paths) and the authorization
// server's metadata (OAuth, OpenID, path variants), all with the go-sdk's
// fetching and validation, including RFC 8414 §3.3 (the metadata's issuer
// is the authorization server URL the resource named).
//
// A server without protected-resource metadata gets the 2025-03-26 rules
// instead: see [legacyAuthServerMetadata].
func discover(ctx context.Context, serverURL string, challenges []oauthex.Challenge, c *http.Client) (*discovery, error) {
	prm, legacy, err := resourceMetadata(ctx, serverURL, challenges, c)
	if err != nil {
		return nil, err
	}
	var asm *oauthex.AuthServerMeta
	if legacy {
		asm, err = legacyAuthServerMetadata(ctx, prm.AuthorizationServers[0], c)
	} else {
		asm, err = auth.GetAuthServerMetadata(ctx, prm.AuthorizationServers[0], c)
	}
	if err != nil {
		return nil, stepErr("auth-server-metadata", err)
	}
	if asm == nil {
		asm = defaultEndpoints(prm.AuthorizationServers[0])
	}
	for _, e := range []string{asm.AuthorizationEndpoint, asm.TokenEndpoint, asm.RegistrationEndpoint} {
		if err := checkHTTPSOrLoopback(e); err != nil {
			return nil, stepErr("auth-server-metadata", err)
		}
	}
	return &discovery{prm: prm, asm: asm, legacy: legacy}, nil
}

// defaultEndpoints is the 2025-03-26 fallback for an authorization server
// without metadata: /authorize, /token and /register under its URL.
func defaultEndpoints(issuer string) *oauthex.AuthServerMeta {
	base := strings.TrimRight(issuer, "/")
	return &oauthex.AuthServerMeta{
		Issuer:                issuer,
		AuthorizationEndpoint: base + "/authorize",
		TokenEndpoint:         base + "/token",
		RegistrationEndpoint:  base + "/register",
	}
}

// legacyAuthServerMetadata implements 2025-03-26 metadata discovery, for a
// server without protected-resource metadata: the authorization base URL is
// the MCP server's origin, and the metadata is at
// <origin>/.well-known/oauth-authorization-server. It returns nil when that
// answers 4xx (then the default endpoints apply).
//
// The one difference from the modern path: the document's issuer may differ
// from the origin (servers of that era often advertise <origin>/oauth, say),
// so RFC 8414 §3.3's issuer == URL check, which the go-sdk applies, is not
// applied here. The document comes from the resource server itself, which is
// exactly what the 2025-03-26 specification trusts (the Python reference SDK
// accepts it too). Everything else is still required: the metadata URL and
// every endpoint HTTPS unless loopback, the issuer an HTTPS-or-loopback URL
// without query or fragment, PKCE S256 advertised; and the callback's iss is
// later checked against the issuer the document advertised.
func legacyAuthServerMetadata(ctx context.Context, origin string, c *http.Client) (*oauthex.AuthServerMeta, error) {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("invalid authorization base URL %q", origin)
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = "/.well-known/oauth-authorization-server", "", "", ""
	metaURL := u.String()
	if err := checkHTTPSOrLoopback(metaURL); err != nil {
		return nil, err
	}
	asm, status, err := getMetadata(ctx, c, metaURL)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", metaURL, err)
	}
	if status >= 400 && status < 500 {
		// No document: the go-sdk's lookup (which also tries OpenID
		// Connect discovery, with the strict issuer check) decides, else
		// the default endpoints.
		return auth.GetAuthServerMetadata(ctx, origin, c)
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("%s answered %d", metaURL, status)
	}
	if err := validateLegacyMeta(asm); err != nil {
		return nil, fmt.Errorf("%s: %w", metaURL, err)
	}
	return asm, nil
}

// validateLegacyMeta checks an authorization server metadata document found
// by 2025-03-26 discovery: everything the go-sdk checks but the issuer's
// equality with the URL it came from.
func validateLegacyMeta(asm *oauthex.AuthServerMeta) error {
	iu, err := url.Parse(asm.Issuer)
	switch {
	case asm.Issuer == "":
		return errors.New("metadata has no issuer")
	case err != nil || iu.Host == "" || iu.RawQuery != "" || iu.Fragment != "" || strings.Contains(asm.Issuer, "?") || strings.Contains(asm.Issuer, "#"):
		return fmt.Errorf("metadata issuer %q is not a URL without query or fragment", asm.Issuer)
	}
	if err := checkHTTPSOrLoopback(asm.Issuer); err != nil {
		return fmt.Errorf("issuer: %w", err)
	}
	if asm.AuthorizationEndpoint == "" || asm.TokenEndpoint == "" {
		return errors.New("metadata lacks authorization_endpoint or token_endpoint")
	}
	if !slices.Contains(asm.CodeChallengeMethodsSupported, "S256") {
		return fmt.Errorf("authorization server %s does not advertise PKCE S256", asm.Issuer)
	}
	for _, e := range []struct{ name, value string }{
		{"authorization_endpoint", asm.AuthorizationEndpoint},
		{"token_endpoint", asm.TokenEndpoint},
		{"registration_endpoint", asm.RegistrationEndpoint},
		{"introspection_endpoint", asm.IntrospectionEndpoint},
		{"revocation_endpoint", asm.RevocationEndpoint},
		{"jwks_uri", asm.JWKSURI},
	} {
		if err := checkHTTPSOrLoopback(e.value); err != nil {
			return fmt.Errorf("%s: %w", e.name, err)
		}
	}
	return nil
}

// getMetadata GETs a JSON metadata document (at most 1 MiB, no redirects
// to other origins or from HTTPS to HTTP). A non-200 status is returned
// without a document.
func getMetadata(ctx context.Context, c *http.Client, metaURL string) (*oauthex.AuthServerMeta, int, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, metaURL, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := guarded(c).Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		return nil, resp.StatusCode, nil
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, resp.StatusCode, fmt.Errorf("bad content type %q", resp.Header.Get("Content-Type"))
	}
	asm, err := decodeMetadata(resp.Body)
	return asm, resp.StatusCode, err
}

// maxMetadataBytes bounds a metadata document, as the go-sdk's discovery
// does; real ones are a few kilobytes.
const maxMetadataBytes = 1 << 20

// decodeMetadata reads an authorization server metadata document, refusing
// one over maxMetadataBytes before parsing it.
func decodeMetadata(r io.Reader) (*oauthex.AuthServerMeta, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxMetadataBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading metadata: %w", err)
	}
	if len(b) > maxMetadataBytes {
		return nil, fmt.Errorf("metadata document over %d bytes refused", maxMetadataBytes)
	}
	var asm oauthex.AuthServerMeta
	if err := json.Unmarshal(b, &asm); err != nil {
		return nil, fmt.Errorf("decoding metadata: %w", err)
	}
	return &asm, nil
}

// resourceMetadata returns the server's protected-resource metadata, or,
// when no candidate URL serves a valid document, legacy true and the
// 2025-03-26 stand-in: the server's origin as the authorization server.
func resourceMetadata(ctx context.Context, serverURL string, challenges []oauthex.Challenge, c *http.Client) (_ *oauthex.ProtectedResourceMetadata, legacy bool, _ error) {
	u, err := url.Parse(serverURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false, stepErr("resource-metadata", fmt.Errorf("invalid server URL %q", serverURL))
	}
	type cand struct{ meta, resource string }
	var cands []cand
	for _, ch := range challenges {
		if m := ch.Params["resource_metadata"]; m != "" {
			cands = append(cands, cand{m, serverURL})
			break
		}
	}
	mu := *u
	mu.RawQuery, mu.Fragment = "", ""
	mu.Path = "/.well-known/oauth-protected-resource/" + strings.TrimLeft(u.Path, "/")
	cands = append(cands, cand{mu.String(), serverURL})
	root := *u
	root.Path, root.RawQuery, root.Fragment = "", "", ""
	mu.Path = "/.well-known/oauth-protected-resource"
	cands = append(cands, cand{mu.String(), root.String()})
	var lastErr error
	for _, c2 := range cands {
		prm, err := oauthex.GetProtectedResourceMetadata(ctx, c2.meta, c2.resource, c)
		if err != nil {
			lastErr = err
			continue
		}
		if prm == nil {
			continue
		}
		if len(prm.AuthorizationServers) == 0 {
			return nil, false, stepErr("resource-metadata", fmt.Errorf("%s lists no authorization servers", c2.meta))
		}
		return prm, false, nil
	}
	_ = lastErr // a missing document is the 2025-03-26 case, not an error
	return &oauthex.ProtectedResourceMetadata{
		Resource:             serverURL,
		AuthorizationServers: []string{root.String()},
	}, true, nil
}

// checkHTTPSOrLoopback refuses plain-HTTP endpoints that are not loopback.
func checkHTTPSOrLoopback(addr string) error {
	if addr == "" {
		return nil
	}
	u, err := url.Parse(addr)
	if err != nil {
		return fmt.Errorf("invalid endpoint URL: %w", err)
	}
	if u.Scheme == "https" {
		return nil
	}
	if u.Scheme == "http" && loopback.Host(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("endpoint %q must use HTTPS (plain HTTP is allowed only on loopback)", u.Redacted())
}

// checkLoopbackRedirect requires an http redirect URI on a loopback host.
func checkLoopbackRedirect(redirect string) error {
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme != "http" || !loopback.Host(u.Hostname()) {
		return fmt.Errorf("redirect URI %q must be http on a loopback host (127.0.0.1, [::1] or localhost)", redirect)
	}
	return nil
}

func scopesFromChallenges(cs []oauthex.Challenge) []string {
	for _, c := range cs {
		if c.Scheme == "bearer" && c.Params["scope"] != "" {
			return strings.Fields(c.Params["scope"])
		}
	}
	return nil
}

func errorFromChallenges(cs []oauthex.Challenge) string {
	for _, c := range cs {
		if c.Scheme == "bearer" && c.Params["error"] != "" {
			return c.Params["error"]
		}
	}
	return ""
}

// readRefusal drains and closes the body of a 401 or 403 the server
// answered, and reads its challenges. stepUp is set for a 403; act is false
// for a 403 that is not insufficient_scope, which no login can fix.
func readRefusal(resp *http.Response) (challenges []oauthex.Challenge, stepUp, act bool, err error) {
	if resp.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
	}
	challenges, err = parseChallenges(resp.Header)
	if err != nil {
		return nil, false, false, stepErr("probe", err)
	}
	stepUp = resp.StatusCode == http.StatusForbidden
	if stepUp && errorFromChallenges(challenges) != "insufficient_scope" {
		return challenges, stepUp, false, nil
	}
	return challenges, stepUp, true, nil
}
