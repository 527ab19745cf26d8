package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
)

// MemoryStore keeps records in memory only: a [Handler] without a store uses
// one, and tests use it to inspect what would be persisted. The zero value
// is an empty store, ready to use.
type MemoryStore struct {
	mu sync.Mutex
	m  map[string][]byte
}

// NewMemoryStore returns an empty in-memory store (the same as
// new(MemoryStore)).
func NewMemoryStore() *MemoryStore { return &MemoryStore{m: map[string][]byte{}} }

// Name implements [TokenStore].
func (s *MemoryStore) Name() string { return "memory" }

// Load implements [TokenStore]. It returns a copy.
func (s *MemoryStore) Load(_ context.Context, server string, scopes []string) (*Record, error) {
	s.mu.Lock()
	b, ok := s.m[StoreKey(server, scopes)]
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w for %s", ErrNotFound, server)
	}
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Save implements [TokenStore]. It stores a copy.
func (s *MemoryStore) Save(_ context.Context, rec *Record) error {
	if rec == nil || rec.Server == "" {
		return errors.New("oauth: record without server")
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.setLocked(StoreKey(rec.Server, rec.Scopes), b)
	s.mu.Unlock()
	return nil
}

// Update implements [Updater].
func (s *MemoryStore) Update(_ context.Context, server string, scopes []string, fn func(cur *Record) (*Record, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var cur *Record
	if b, ok := s.m[StoreKey(server, scopes)]; ok {
		cur = new(Record)
		if err := json.Unmarshal(b, cur); err != nil {
			return err
		}
	}
	rec, err := fn(cur)
	if err != nil || rec == nil {
		return err
	}
	if rec.Server == "" {
		return errors.New("oauth: record without server")
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	s.setLocked(StoreKey(rec.Server, rec.Scopes), b)
	return nil
}

// setLocked stores b under key, making the map of a zero store.
func (s *MemoryStore) setLocked(key string, b []byte) {
	if s.m == nil {
		s.m = map[string][]byte{}
	}
	s.m[key] = b
}

// Delete implements [TokenStore].
func (s *MemoryStore) Delete(_ context.Context, server string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, b := range s.m {
		var r Record
		if json.Unmarshal(b, &r) == nil && r.Server == server {
			delete(s.m, k)
		}
	}
	return nil
}

// List implements [TokenStore].
func (s *MemoryStore) List(_ context.Context) ([]*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.m))
	for k := range s.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*Record, 0, len(keys))
	for _, k := range keys {
		var r Record
		if err := json.Unmarshal(s.m[k], &r); err != nil {
			return nil, err
		}
		out = append(out, &r)
	}
	return out, nil
}
