package oauth

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// StepError says which step of the OAuth flow failed. It never carries tokens
// or client secrets.
type StepError struct {
	// Step is "probe", "resource-metadata", "auth-server-metadata",
	// "registration", "authorize", "callback", "exchange" or "refresh".
	Step string
	Err  error
}

func (e *StepError) Error() string { return "oauth " + e.Step + ": " + e.Err.Error() }
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
}

// discover fetches protected-resource metadata (from the challenge's
// resource_metadata, then the well-known paths, else the 2025-03-26 rule that
// the server's origin is the authorization server) and the authorization
// server's metadata (OAuth, OpenID, path variants, else the 2025-03-26
// default endpoints). All fetching and validation is the go-sdk's.
func discover(ctx context.Context, serverURL string, challenges []oauthex.Challenge, c *http.Client) (*discovery, error) {
	prm, err := resourceMetadata(ctx, serverURL, challenges, c)
	if err != nil {
		return nil, err
	}
	issuer := prm.AuthorizationServers[0]
	asm, err := auth.GetAuthServerMetadata(ctx, issuer, c)
	if err != nil {
		return nil, stepErr("auth-server-metadata", err)
	}
	if asm == nil {
		asm = &oauthex.AuthServerMeta{
			Issuer:                issuer,
			AuthorizationEndpoint: strings.TrimRight(issuer, "/") + "/authorize",
			TokenEndpoint:         strings.TrimRight(issuer, "/") + "/token",
			RegistrationEndpoint:  strings.TrimRight(issuer, "/") + "/register",
		}
	}
	for _, e := range []string{asm.AuthorizationEndpoint, asm.TokenEndpoint, asm.RegistrationEndpoint} {
		if err := checkHTTPSOrLoopback(e); err != nil {
			return nil, stepErr("auth-server-metadata", err)
		}
	}
	return &discovery{prm: prm, asm: asm}, nil
}

func resourceMetadata(ctx context.Context, serverURL string, challenges []oauthex.Challenge, c *http.Client) (*oauthex.ProtectedResourceMetadata, error) {
	u, err := url.Parse(serverURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, stepErr("resource-metadata", fmt.Errorf("invalid server URL %q", serverURL))
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
			return nil, stepErr("resource-metadata", fmt.Errorf("%s lists no authorization servers", c2.meta))
		}
		return prm, nil
	}
	_ = lastErr // a missing document is the 2025-03-26 case, not an error
	return &oauthex.ProtectedResourceMetadata{
		Resource:             serverURL,
		AuthorizationServers: []string{root.String()},
	}, nil
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
	if u.Scheme == "http" && isLoopbackHost(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("endpoint %q must use HTTPS (plain HTTP is allowed only on loopback)", u.Redacted())
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if h == "::1" {
		return true
	}
	return strings.HasPrefix(h, "127.")
}

// checkLoopbackRedirect requires an http redirect URI on a loopback host.
func checkLoopbackRedirect(redirect string) error {
	u, err := url.Parse(redirect)
	if err != nil || u.Scheme != "http" || !isLoopbackHost(u.Hostname()) {
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
