// Package keyring keeps mcprun's OAuth records in the OS keyring (Secret
// Service, macOS Keychain, Windows Credential Manager) through
// github.com/zalando/go-keyring. It is a package of its own so that
// programs that do not want the OS keyring do not link it: the oauth
// package offers a file store and a memory store.
package keyring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"

	"github.com/zalando/go-keyring"
	"golang.org/x/oauth2"

	"github.com/mcprun/mcprun/internal/filelock"
	"github.com/mcprun/mcprun/mcpclient/oauth"
)

// keyringLimit is the Windows Credential Manager's limit on a secret's size.
const keyringLimit = 2560

// ErrTooLarge is returned when a record does not fit in the OS keyring.
var ErrTooLarge = errors.New("oauth: record too large for the OS keyring")

// Store keeps records in the OS keyring (Secret Service, macOS
// Keychain, Windows Credential Manager) under one service name. Only the
// refresh token, expiry and the client registration are kept: access tokens
// can be large and are cheap to refresh, and Windows limits a secret to 2,560
// bytes. An index entry lists the keys so [Store.List] works. It
// implements oauth.TokenStore.
type Store struct {
	service string
	mu      sync.Mutex
}

const indexUser = "_index"

// New returns a keyring store under service, the name its entries are
// filed under (mcprun uses "mcprun"). An empty service is an error.
func New(service string) (*Store, error) {
	if service == "" {
		return nil, errors.New("oauth: keyring.New: empty service name")
	}
	return &Store{service: service}, nil
}

// Name implements oauth.TokenStore.
func (s *Store) Name() string { return "keyring:" + s.service }

func (s *Store) index() ([]string, error) {
	v, err := keyring.Get(s.service, indexUser)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("oauth: keyring: %w", err)
	}
	var keys []string
	if err := json.Unmarshal([]byte(v), &keys); err != nil {
		return nil, errors.New("oauth: keyring index is corrupt")
	}
	return keys, nil
}

func (s *Store) setIndex(keys []string) error {
	b, _ := json.Marshal(keys)
	if err := keyring.Set(s.service, indexUser, string(b)); err != nil {
		return fmt.Errorf("oauth: keyring: %w", err)
	}
	return nil
}

// Load implements oauth.TokenStore.
func (s *Store) Load(_ context.Context, server string, scopes []string) (*oauth.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.get(oauth.StoreKey(server, scopes))
}

func (s *Store) get(key string) (*oauth.Record, error) {
	v, err := keyring.Get(s.service, key)
	if errors.Is(err, keyring.ErrNotFound) {
		return nil, fmt.Errorf("%w for %s", oauth.ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("oauth: keyring: %w", err)
	}
	var r oauth.Record
	if err := json.Unmarshal([]byte(v), &r); err != nil {
		return nil, errors.New("oauth: keyring entry is corrupt")
	}
	return &r, nil
}

// Save implements oauth.TokenStore. The access token is dropped.
func (s *Store) Save(_ context.Context, rec *oauth.Record) error {
	b, err := encode(rec)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.setLocked(rec.Server, rec.Scopes, b)
}

// Update implements oauth.Updater: it holds a lock file beside the
// token file ($XDG_CONFIG_HOME/mcprun/keyring-SERVICE.lock), so that
// processes sharing the keyring refresh a login one at a time.
func (s *Store) Update(ctx context.Context, server string, scopes []string, fn func(cur *oauth.Record) (*oauth.Record, error)) error {
	p, err := oauth.DefaultFilePath()
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := filelock.Lock(ctx, filepath.Join(filepath.Dir(p), "keyring-"+s.service+".lock"))
	if err != nil {
		return fmt.Errorf("oauth: %w", err)
	}
	defer unlock()
	cur, err := s.get(oauth.StoreKey(server, scopes))
	if errors.Is(err, oauth.ErrNotFound) {
		cur, err = nil, nil
	}
	if err != nil {
		return err
	}
	rec, err := fn(cur)
	if err != nil || rec == nil {
		return err
	}
	b, err := encode(rec)
	if err != nil {
		return err
	}
	return s.setLocked(rec.Server, rec.Scopes, b)
}

// encode is what the keyring keeps of rec: no access token.
func encode(rec *oauth.Record) ([]byte, error) {
	if rec == nil || rec.Server == "" {
		return nil, errors.New("oauth: record without server")
	}
	slim := *rec
	if rec.Token != nil {
		slim.Token = &oauth2.Token{RefreshToken: rec.Token.RefreshToken, Expiry: rec.Token.Expiry}
		if slim.Token.RefreshToken == "" {
			// Without a refresh token there is nothing durable to keep.
			slim.Token = nil
		}
	}
	b, err := json.Marshal(&slim)
	if err != nil {
		return nil, fmt.Errorf("oauth: encoding record: %w", err)
	}
	if len(b) > keyringLimit {
		return nil, fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, len(b), keyringLimit)
	}
	return b, nil
}

// setLocked stores an encoded record and indexes it. Called with s.mu held.
func (s *Store) setLocked(server string, scopes []string, b []byte) error {
	key := oauth.StoreKey(server, scopes)
	keys, err := s.index()
	if err != nil {
		return err
	}
	if err := keyring.Set(s.service, key, string(b)); err != nil {
		return fmt.Errorf("oauth: keyring: %w", err)
	}
	if !slices.Contains(keys, key) {
		return s.setIndex(append(keys, key))
	}
	return nil
}

// Delete implements oauth.TokenStore.
func (s *Store) Delete(_ context.Context, server string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys, err := s.index()
	if err != nil {
		return err
	}
	var keep []string
	for _, k := range keys {
		r, err := s.get(k)
		if err != nil && !errors.Is(err, oauth.ErrNotFound) {
			return err
		}
		if r == nil || r.Server == server {
			if err := keyring.Delete(s.service, k); err != nil && !errors.Is(err, keyring.ErrNotFound) {
				return fmt.Errorf("oauth: keyring: %w", err)
			}
			continue
		}
		keep = append(keep, k)
	}
	return s.setIndex(keep)
}

// List implements oauth.TokenStore.
func (s *Store) List(_ context.Context) ([]*oauth.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys, err := s.index()
	if err != nil {
		return nil, err
	}
	var out []*oauth.Record
	for _, k := range keys {
		r, err := s.get(k)
		if errors.Is(err, oauth.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// DefaultStore returns mcprun's store: a [Store] under the service
// "mcprun" when the OS keyring answers, else an oauth.FileStore at
// oauth.DefaultFilePath (headless Linux has no Secret Service).
func DefaultStore() (oauth.TokenStore, error) {
	ks := &Store{service: "mcprun"}
	if _, err := keyring.Get(ks.service, indexUser); err == nil || errors.Is(err, keyring.ErrNotFound) {
		return ks, nil
	}
	p, err := oauth.DefaultFilePath()
	if err != nil {
		return nil, err
	}
	return oauth.NewFileStore(p), nil
}
