package oauth

// The client a Handler logs in as: a stored registration, a pre-registered
// client, a Client ID Metadata Document, or a new dynamic registration.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

// storedClientLocked returns the stored registration if it is still good
// for the discovered authorization server and the redirect URI, else nil.
// Called with h.mu held.
func (h *Handler) storedClientLocked(ctx context.Context, d *discovery) *Registration {
	h.load(ctx)
	reg := h.rec.Client
	switch {
	case reg == nil:
	case reg.Issuer != "" && !issuersEqual(reg.Issuer, d.asm.Issuer):
		h.log.Info("oauth: authorization server changed; registering again", "issuer", d.asm.Issuer)
		reg = nil
	case reg.RedirectURI != "" && reg.RedirectURI != h.redirectURL && h.cfg.clientID == "" && reg.ClientID != h.cfg.clientIDMetadataURL:
		h.log.Info("oauth: redirect URI changed; registering again", "issuer", d.asm.Issuer)
		reg = nil
	}
	return reg
}

// clientLocked returns the client to log in with at the discovered
// authorization server: a Client ID Metadata Document URL where supported,
// else the pre-registered client, else the stored registration (stored,
// the result of storedClientLocked), else a new dynamic registration. The
// result is stored before any login, so an abandoned login does not cost a
// registration. usesCIMD reports the first case. Called with h.mu held.
func (h *Handler) clientLocked(ctx context.Context, d *discovery, stored *Registration) (reg *Registration, usesCIMD bool, err error) {
	usesCIMD = h.cfg.clientIDMetadataURL != "" && d.asm.ClientIDMetadataDocumentSupported
	switch {
	case usesCIMD:
		reg = &Registration{ClientID: h.cfg.clientIDMetadataURL, AuthMethod: "none"}
	case h.cfg.clientID != "":
		reg = &Registration{ClientID: h.cfg.clientID, ClientSecret: h.cfg.clientSecret}
		reg.AuthMethod = secretMethod(d.asm.TokenEndpointAuthMethodsSupported, reg.ClientSecret != "")
	case stored == nil:
		r, err := register(ctx, d.asm, h.redirectURL, h.cfg.clientName, h.cfg.httpClient)
		if err != nil {
			return nil, false, err
		}
		h.log.Info("oauth: registered client", "issuer", d.asm.Issuer)
		reg = r
	default:
		r := *stored
		reg = &r
	}
	reg.Issuer = d.asm.Issuer
	reg.TokenURL = d.asm.TokenEndpoint
	reg.AuthURL = d.asm.AuthorizationEndpoint
	reg.Resource = d.prm.Resource
	reg.RedirectURI = h.redirectURL
	h.rec.Client = reg
	h.saveLocked()
	return reg, usesCIMD, nil
}

// secretMethod is the token endpoint auth method the go-sdk handler will use
// with a client that has a secret (it prefers client_secret_post).
func secretMethod(supported []string, hasSecret bool) string {
	if !hasSecret {
		return "none"
	}
	for _, m := range []string{"client_secret_post", "client_secret_basic"} {
		if slices.Contains(supported, m) {
			return m
		}
	}
	return "client_secret_basic"
}

// register registers a client with oauthex.RegisterClient: a native app with
// the loopback redirect URI and grant types authorization_code and
// refresh_token.
func register(ctx context.Context, asm *oauthex.AuthServerMeta, redirectURL, name string, c *http.Client) (*Registration, error) {
	if asm.RegistrationEndpoint == "" {
		return nil, stepErr("registration", fmt.Errorf("authorization server %s offers no dynamic client registration; configure a pre-registered client", asm.Issuer))
	}
	// Ask for the method the go-sdk handler will use at the token
	// endpoint, so a strict server accepts the exchange.
	method := "none"
	for _, m := range []string{"client_secret_post", "client_secret_basic"} {
		if slices.Contains(asm.TokenEndpointAuthMethodsSupported, m) {
			method = m
			break
		}
	}
	meta := &oauthex.ClientRegistrationMetadata{
		RedirectURIs:            []string{redirectURL},
		TokenEndpointAuthMethod: method,
		GrantTypes:              []string{"authorization_code", "refresh_token"},
		ResponseTypes:           []string{"code"},
		ClientName:              name,
		ApplicationType:         "native",
	}
	resp, err := oauthex.RegisterClient(ctx, asm.RegistrationEndpoint, meta, c)
	if err != nil {
		return nil, stepErr("registration", sanitize(err))
	}
	got := resp.TokenEndpointAuthMethod
	if got == "" {
		got = method
	}
	if got != "none" && resp.ClientSecret == "" {
		got = "none"
	}
	return &Registration{ClientID: resp.ClientID, ClientSecret: resp.ClientSecret, AuthMethod: got, RedirectURI: redirectURL}, nil
}

func issuersEqual(a, b string) bool {
	return strings.TrimRight(a, "/") == strings.TrimRight(b, "/")
}
