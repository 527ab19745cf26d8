package oauth

import (
	"context"
	"errors"
	"time"

	"golang.org/x/oauth2"
)

// refreshTimeout bounds a refresh that no request's context bounds (one
// before expiry, from a token source, which has no context).
const refreshTimeout = 30 * time.Second

// errNoAccessToken is a token endpoint answer without an access token.
var errNoAccessToken = errors.New("no access token")

// refused reports whether err is the authorization server refusing a
// refresh token (invalid_grant and the like), not a failure to ask.
func refused(err error) bool {
	var re *oauth2.RetrieveError
	return errors.As(err, &re)
}

// refresh exchanges held's refresh token for a new token, holding the
// store's record meanwhile (across processes where the store is an
// [Updater]), so that a rotating refresh token is spent once:
//
//   - the record is read again once held: if another process (or handler)
//     stored a newer login, its access token is used when still valid, else
//     its refresh token is the one refreshed;
//   - the new token is stored before the record is let go;
//   - a refused refresh token is forgotten only if it is still the stored
//     one, so a newer login never is.
func (h *Handler) refresh(ctx context.Context, reg *Registration, held *oauth2.Token) (*oauth2.Token, error) {
	var out *oauth2.Token
	var refreshErr error
	err := update(ctx, h.cfg.store, h.serverURL, h.cfg.scopes, func(cur *Record) (*Record, error) {
		use := held
		if cur != nil && usable(cur.Token) && !sameLogin(cur.Token, held) {
			if cur.Token.Valid() {
				out = cur.Token
				h.log.Debug("oauth: using the token another process refreshed")
				return nil, nil
			}
			use = cur.Token
		}
		if use.RefreshToken == "" {
			refreshErr = errors.New("no refresh token")
			return nil, nil
		}
		t := *use
		t.AccessToken, t.Expiry = "", time.Time{}
		cctx := context.WithValue(ctx, oauth2.HTTPClient, h.cfg.httpClient)
		tok, err := oauthConfig(reg).TokenSource(cctx, &t).Token()
		if err == nil && tok.AccessToken == "" {
			err = errNoAccessToken
		}
		if err != nil {
			refreshErr = err
			if refused(err) && cur != nil && cur.Token != nil && cur.Token.RefreshToken == use.RefreshToken {
				r := *cur
				r.Token = nil
				return &r, nil
			}
			return nil, nil
		}
		out = tok
		rec := &Record{Client: reg}
		if cur != nil {
			r := *cur
			rec = &r
			if rec.Client == nil {
				rec.Client = reg
			}
		}
		rec.Server, rec.Scopes, rec.Token = h.serverURL, h.cfg.scopes, tok
		return rec, nil
	})
	switch {
	case refreshErr != nil:
		return nil, refreshErr
	case err != nil && out != nil:
		// Refreshed, but not stored: the token is good for this process.
		h.log.Warn("oauth: saving credentials", "store", h.cfg.store.Name(), "err", sanitize(err))
	case err != nil:
		return nil, err
	}
	return out, nil
}

// sameLogin reports whether a and b are the same token: the same refresh
// token (which the keyring keeps alone), else the same access token.
func sameLogin(a, b *oauth2.Token) bool {
	if a.RefreshToken != "" || b.RefreshToken != "" {
		return a.RefreshToken == b.RefreshToken
	}
	return a.AccessToken == b.AccessToken
}
