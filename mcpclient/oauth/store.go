package oauth

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// ErrNotFound is returned by [TokenStore.Load] when nothing is stored for the key.
var ErrNotFound = errors.New("oauth: no stored credentials")

// Registration is a client registered with an authorization server, kept so the
// same server is never registered twice.
type Registration struct {
	Issuer       string `json:"issuer,omitempty"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret,omitempty"`
	// AuthMethod is the token_endpoint_auth_method the server assigned.
	AuthMethod  string   `json:"auth_method,omitempty"`
	RedirectURI string   `json:"redirect_uri,omitempty"`
	TokenURL    string   `json:"token_url,omitempty"`
	AuthURL     string   `json:"auth_url,omitempty"`
	Resource    string   `json:"resource,omitempty"`
	Scopes      []string `json:"scopes,omitempty"`
}

// Record is what a [TokenStore] keeps for one server and scope set.
type Record struct {
	// Server is the MCP server URL.
	Server string `json:"server"`
	// Scopes is the requested scope set (part of the key).
	Scopes []string `json:"scopes,omitempty"`
	// Token holds the access and refresh tokens. Stores may drop the access
	// token (the keyring keeps only the refresh token).
	Token *oauth2.Token `json:"token,omitempty"`
	// Client is the client registration, if any.
	Client *Registration `json:"client,omitempty"`
}

// Expiry returns the access token's expiry, or the zero time.
func (r *Record) Expiry() time.Time {
	if r == nil || r.Token == nil {
		return time.Time{}
	}
	return r.Token.Expiry
}

// TokenStore persists tokens and client registrations keyed by server URL and
// scopes. Implementations are safe for concurrent use.
type TokenStore interface {
	// Load returns the record for server and scopes, or an error matching
	// [ErrNotFound].
	Load(ctx context.Context, server string, scopes []string) (*Record, error)
	// Save stores rec, replacing any record with the same key.
	Save(ctx context.Context, rec *Record) error
	// Delete removes every record for server (all scope sets).
	Delete(ctx context.Context, server string) error
	// List returns every stored record.
	List(ctx context.Context) ([]*Record, error)
	// Name says where records live, for `mcprun auth status`.
	Name() string
}

// An Updater is a [TokenStore] that can hold a record while it is read,
// refreshed and rewritten, across processes: [Handler] refreshes through it,
// so that two processes sharing a login with rotating refresh tokens never
// both spend the same refresh token, and a refresh one of them already did
// is used by the other. [FileStore], [MemoryStore] and the keyring
// package's Store implement it.
type Updater interface {
	// Update calls fn with the record stored for server and scopes now (nil
	// if none), holding the store until fn returns, and saves the record
	// fn returns unless it is nil. fn must not call the store.
	Update(ctx context.Context, server string, scopes []string, fn func(cur *Record) (*Record, error)) error
}

// update is [Updater.Update] where the store has it, else an unheld load
// and save.
func update(ctx context.Context, s TokenStore, server string, scopes []string, fn func(cur *Record) (*Record, error)) error {
	if u, ok := s.(Updater); ok {
		return u.Update(ctx, server, scopes, fn)
	}
	cur, err := s.Load(ctx, server, scopes)
	if errors.Is(err, ErrNotFound) {
		cur, err = nil, nil
	}
	if err != nil {
		return err
	}
	rec, err := fn(cur)
	if err != nil || rec == nil {
		return err
	}
	return s.Save(ctx, rec)
}

// StoreKey is the key under which a [TokenStore] files the record of server
// and scopes: the server URL, then the scopes sorted and deduplicated, so
// that their order does not matter. Stores outside this package (such as
// mcpclient/oauth/keyring) use it to stay interchangeable.
func StoreKey(server string, scopes []string) string {
	s := slices.Clone(scopes)
	slices.Sort(s)
	s = slices.Compact(s)
	if len(s) == 0 {
		return server
	}
	return server + " " + strings.Join(s, " ")
}
