package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"

	"github.com/mcprun/mcprun/internal/atomicfile"
	"github.com/mcprun/mcprun/internal/filelock"
)

// ErrInsecureFile is returned when the token file is readable by group or others.
var ErrInsecureFile = errors.New("oauth: token file is group/world accessible; run chmod 600")

// FileStore keeps records in one JSON file (mode 0600), rewritten atomically
// (write to a temporary file, then rename) on every change. Changes hold a
// lock file beside it (PATH.lock), so that processes sharing the file never
// lose each other's logins: see [FileStore.Update].
type FileStore struct {
	path string
	mu   sync.Mutex
}

// NewFileStore returns a store using the file at path. The file is created on
// first save.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

// DefaultFilePath returns $XDG_CONFIG_HOME/mcprun/oauth-tokens.json, or the
// same under os.UserConfigDir.
func DefaultFilePath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("oauth: locating config dir: %w", err)
		}
		dir = d
	}
	return filepath.Join(dir, "mcprun", "oauth-tokens.json"), nil
}

// Path returns the file's path.
func (s *FileStore) Path() string { return s.path }

// Name implements [TokenStore].
func (s *FileStore) Name() string { return "file:" + s.path }

func (s *FileStore) read() (map[string]*Record, error) {
	f, err := os.Open(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]*Record{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("oauth: opening token file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("oauth: token file: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %v", ErrInsecureFile, s.path, st.Mode().Perm())
	}
	m := map[string]*Record{}
	if st.Size() == 0 {
		return m, nil
	}
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		// The decoder error may quote file content; keep only its kind.
		return nil, fmt.Errorf("oauth: token file %s is not valid JSON", s.path)
	}
	return m, nil
}

func (s *FileStore) write(m map[string]*Record) error {
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("oauth: creating %s: %w", dir, err)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("oauth: encoding tokens: %w", err)
	}
	if err := atomicfile.Write(s.path, b); err != nil {
		return fmt.Errorf("oauth: writing token file: %w", err)
	}
	return nil
}

// Load implements [TokenStore].
func (s *FileStore) Load(_ context.Context, server string, scopes []string) (*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.read()
	if err != nil {
		return nil, err
	}
	r, ok := m[StoreKey(server, scopes)]
	if !ok || r == nil {
		return nil, fmt.Errorf("%w for %s", ErrNotFound, server)
	}
	return r, nil
}

// lock holds the file across processes. Called with s.mu held.
func (s *FileStore) lock(ctx context.Context) (func(), error) {
	unlock, err := filelock.Lock(ctx, s.path+".lock")
	if err != nil {
		return nil, fmt.Errorf("oauth: %w", err)
	}
	return unlock, nil
}

// Save implements [TokenStore].
func (s *FileStore) Save(ctx context.Context, rec *Record) error {
	if rec == nil || rec.Server == "" {
		return errors.New("oauth: record without server")
	}
	// An update that stores rec whatever is there: one locked path.
	return s.Update(ctx, rec.Server, rec.Scopes, func(*Record) (*Record, error) { return rec, nil })
}

// Update implements [Updater]: it holds the file (across processes) while
// fn reads the record of server and scopes as stored now (nil if none) and
// decides what to store (nil: nothing).
func (s *FileStore) Update(ctx context.Context, server string, scopes []string, fn func(cur *Record) (*Record, error)) error {
	return s.edit(ctx, func(m map[string]*Record) (bool, error) {
		rec, err := fn(m[StoreKey(server, scopes)])
		if err != nil || rec == nil {
			return false, err
		}
		if rec.Server == "" {
			return false, errors.New("oauth: record without server")
		}
		m[StoreKey(rec.Server, rec.Scopes)] = rec
		return true, nil
	})
}

// Delete implements [TokenStore].
func (s *FileStore) Delete(ctx context.Context, server string) error {
	return s.edit(ctx, func(m map[string]*Record) (bool, error) {
		n := len(m)
		for k, r := range m {
			if r == nil || r.Server == server {
				delete(m, k)
			}
		}
		return len(m) != n, nil
	})
}

// edit holds the file (within this process and across processes) while
// change changes the records as stored now; they are written back when
// change says so.
func (s *FileStore) edit(ctx context.Context, change func(map[string]*Record) (write bool, err error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := s.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	m, err := s.read()
	if err != nil {
		return err
	}
	if write, err := change(m); err != nil || !write {
		return err
	}
	return s.write(m)
}

// List implements [TokenStore].
func (s *FileStore) List(_ context.Context) ([]*Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.read()
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*Record, 0, len(keys))
	for _, k := range keys {
		if m[k] != nil {
			out = append(out, m[k])
		}
	}
	return slices.Clip(out), nil
}
