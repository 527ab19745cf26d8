package oauth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func testRecord() *Record {
	return &Record{
		Server: "https://mcp.example.com/mcp",
		Scopes: []string{"b", "a"},
		Token: &oauth2.Token{AccessToken: "AT-secret", RefreshToken: "RT-secret",
			Expiry: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
		Client: &Registration{ClientID: "cid", ClientSecret: "CS-secret", Issuer: "https://as.example.com"},
	}
}

func exerciseStore(t *testing.T, s TokenStore, keepsAccess bool) {
	ctx := context.Background()
	if _, err := s.Load(ctx, "https://mcp.example.com/mcp", nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load on empty store: %v, want ErrNotFound", err)
	}
	rec := testRecord()
	if err := s.Save(ctx, rec); err != nil {
		t.Fatal(err)
	}
	other := &Record{Server: "https://other.example.com", Token: &oauth2.Token{RefreshToken: "x"}}
	if err := s.Save(ctx, other); err != nil {
		t.Fatal(err)
	}
	// Scope order does not matter; a different scope set is a different key.
	got, err := s.Load(ctx, rec.Server, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Token.RefreshToken != "RT-secret" || got.Client.ClientID != "cid" || !got.Token.Expiry.Equal(rec.Token.Expiry) {
		t.Errorf("loaded %+v", got)
	}
	if keepsAccess != (got.Token.AccessToken == "AT-secret") {
		t.Errorf("access token kept = %q, want kept=%v", got.Token.AccessToken, keepsAccess)
	}
	if _, err := s.Load(ctx, rec.Server, []string{"a"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("other scopes: %v", err)
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("List = %d, %v", len(list), err)
	}
	if err := s.Delete(ctx, rec.Server); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, rec.Server, rec.Scopes); !errors.Is(err, ErrNotFound) {
		t.Errorf("after Delete: %v", err)
	}
	list, _ = s.List(ctx)
	if len(list) != 1 || list[0].Server != other.Server {
		t.Errorf("List after delete = %v", list)
	}
}

func TestFileStore(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "tokens.json")
	s := NewFileStore(p)
	exerciseStore(t, s, true)
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	// No temporary files left behind by the atomic rename: the file and
	// its lock file only.
	ents, _ := os.ReadDir(filepath.Dir(p))
	if len(ents) != 2 {
		t.Errorf("dir has %d entries, want the file and its lock", len(ents))
	}
}

func TestFileStoreRefusesGroupReadable(t *testing.T) {
	p := filepath.Join(t.TempDir(), "tokens.json")
	s := NewFileStore(p)
	if err := s.Save(context.Background(), testRecord()); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604} {
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		_, err := s.Load(context.Background(), testRecord().Server, testRecord().Scopes)
		if !errors.Is(err, ErrInsecureFile) {
			t.Errorf("mode %v: err = %v, want ErrInsecureFile", mode, err)
		}
		if err := s.Save(context.Background(), testRecord()); !errors.Is(err, ErrInsecureFile) {
			t.Errorf("mode %v: Save err = %v", mode, err)
		}
	}
}

func TestFileStoreCorruptNoLeak(t *testing.T) {
	p := filepath.Join(t.TempDir(), "tokens.json")
	if err := os.WriteFile(p, []byte(`{"x": "RT-secret`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := NewFileStore(p).List(context.Background())
	if err == nil || strings.Contains(err.Error(), "secret") {
		t.Errorf("err = %v", err)
	}
}

func TestDefaultFilePathXDG(t *testing.T) {
	d := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", d)
	p, err := DefaultFilePath()
	if err != nil || p != filepath.Join(d, "mcprun", "oauth-tokens.json") {
		t.Errorf("DefaultFilePath = %q, %v", p, err)
	}
}

// A zero MemoryStore is an empty store, ready to use.
func TestMemoryStoreZero(t *testing.T) {
	var s MemoryStore
	exerciseStore(t, &s, true)
	var u MemoryStore
	if err := u.Update(context.Background(), "https://x.example", nil, func(*Record) (*Record, error) {
		return &Record{Server: "https://x.example"}, nil
	}); err != nil {
		t.Fatal(err)
	}
}
