package oauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
)

// ErrNoRevocation is returned by [Revoke] when the authorization server
// offers no revocation endpoint (RFC 7009): the tokens stay valid until
// they expire.
var ErrNoRevocation = errors.New("oauth: the authorization server offers no token revocation")

// Revoke asks the authorization server that issued rec's tokens to revoke
// them (RFC 7009): the refresh token, which ends the whole grant at most
// servers, then the access token. The endpoint comes from the server's
// metadata (found from the stored registration's issuer); the client
// authenticates as it does at the token endpoint. Deleting the record is
// the caller's: `mcprun auth logout` revokes, then deletes. Only
// [WithHTTPClient] applies.
func Revoke(ctx context.Context, rec *Record, opts ...Option) error {
	if rec == nil || rec.Token == nil || (rec.Token.RefreshToken == "" && rec.Token.AccessToken == "") {
		return nil
	}
	if rec.Client == nil || rec.Client.Issuer == "" {
		return fmt.Errorf("%w: the login does not record its issuer", ErrNoRevocation)
	}
	o, err := buildOptions(forProbe, opts) // WithHTTPClient only, as RequiresAuth
	if err != nil {
		return err
	}
	hc := guarded(o.httpClient)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	asm, err := auth.GetAuthServerMetadata(ctx, rec.Client.Issuer, hc)
	if err != nil {
		return stepErr("revoke", fmt.Errorf("authorization server metadata: %w", sanitize(err)))
	}
	if asm == nil || asm.RevocationEndpoint == "" {
		return ErrNoRevocation
	}
	if err := checkHTTPSOrLoopback(asm.RevocationEndpoint); err != nil {
		return stepErr("revoke", err)
	}
	for _, t := range []struct{ value, hint string }{
		{rec.Token.RefreshToken, "refresh_token"},
		{rec.Token.AccessToken, "access_token"},
	} {
		if t.value == "" {
			continue
		}
		if err := revokeOne(ctx, hc, asm.RevocationEndpoint, rec.Client, t.value, t.hint); err != nil {
			return stepErr("revoke", err)
		}
	}
	return nil
}

func revokeOne(ctx context.Context, hc *http.Client, endpoint string, reg *Registration, token, hint string) error {
	form := url.Values{"token": {token}, "token_type_hint": {hint}}
	secret := reg.ClientSecret
	if reg.AuthMethod == "none" {
		secret = ""
	}
	basic := secret != "" && reg.AuthMethod != "client_secret_post"
	if !basic {
		form.Set("client_id", reg.ClientID)
		if secret != "" {
			form.Set("client_secret", secret)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(url.QueryEscape(reg.ClientID), url.QueryEscape(secret))
	}
	resp, err := hc.Do(req)
	if err != nil {
		return sanitize(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	// RFC 7009 §2.2: 200 whether or not the token was valid.
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("revocation endpoint answered %s", resp.Status)
	}
	return nil
}
