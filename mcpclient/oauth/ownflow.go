package oauth

// Our own login flow, for the cases the go-sdk's handler cannot serve: a
// server without protected-resource metadata (2025-03-26 discovery), and a
// public client at a server that lists only "none" for the token endpoint.
// It runs the reference flow's steps ([OAuthParams]) with the same checks.

import (
	"context"
	"slices"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// ownFlowReason says why the login must not go through the go-sdk handler,
// or "" when it can:
//
//   - the server has no protected-resource metadata (2025-03-26): the go-sdk
//     handler discovers again and, by RFC 8414 §3.3, refuses an issuer other
//     than the server's origin, which such servers commonly advertise (the
//     metadata was validated by [legacyAuthServerMetadata] instead);
//   - the client is public at an authorization server whose metadata lists
//     neither client_secret_post nor client_secret_basic (we register it with
//     token_endpoint_auth_method "none"): the go-sdk handler, given it as a
//     pre-registered client, lets golang.org/x/oauth2 auto-detect the auth
//     style, which first sends an HTTP Basic header with an empty secret,
//     where a public client must send only client_id in the form.
func (h *Handler) ownFlowReason(d *discovery) string {
	if d.legacy {
		return "2025-03-26 discovery: no protected-resource metadata"
	}
	if h.cfg.clientIDMetadataURL != "" && d.asm.ClientIDMetadataDocumentSupported {
		return ""
	}
	m := d.asm.TokenEndpointAuthMethodsSupported
	if !slices.Contains(m, "client_secret_post") && !slices.Contains(m, "client_secret_basic") {
		return "public client: token endpoint authentication none"
	}
	return ""
}

// ownLogin runs the authorization-code flow without the go-sdk handler, for
// the cases [Handler.ownFlowReason] names. The steps are the reference
// flow's ([OAuthParams]) with the configured fetcher: the same client
// registration as the go-sdk path (stored, reused), PKCE S256, a fresh
// random state checked once, the resource parameter, the callback's iss
// checked against the issuer the metadata advertised, the token endpoint
// auth method the client registered with. A step-up (403) keeps the scopes
// asked for before.
func (h *Handler) ownLogin(ctx context.Context, d *discovery, challenges []oauthex.Challenge, stepUp bool) error {
	h.mu.Lock()
	reg, _, err := h.clientLocked(ctx, d, h.storedClientLocked(ctx, d))
	var before []string
	if err == nil {
		before = slices.Clone(reg.Scopes)
		r := *reg
		reg = &r
	}
	h.mu.Unlock()
	if err != nil {
		return err
	}
	p := &OAuthParams{
		serverURL: h.serverURL, redirectURL: h.redirectURL, resource: d.prm.Resource, asm: d.asm,
		reg: reg, hc: h.cfg.httpClient, pending: map[string]string{},
	}
	p.scopes = scopesFromChallenges(challenges)
	if len(p.scopes) == 0 {
		p.scopes = slices.Clone(d.prm.ScopesSupported)
	}
	if stepUp {
		for _, s := range before {
			if !slices.Contains(p.scopes, s) {
				p.scopes = append(p.scopes, s)
			}
		}
	}
	if slices.Contains(d.asm.ScopesSupported, "offline_access") && !slices.Contains(p.scopes, "offline_access") {
		p.scopes = append(p.scopes, "offline_access")
	}
	authURL, state, err := p.AuthURL()
	if err != nil {
		return err
	}
	res, err := h.fetch(ctx, &auth.AuthorizationArgs{URL: authURL})
	if err != nil {
		return fetchErr(err)
	}
	tok, err := p.exchange(ctx, res, state)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.setTokenLocked(p.scopes, tok)
	return nil
}
