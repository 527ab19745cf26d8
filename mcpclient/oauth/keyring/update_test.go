package keyring

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/zalando/go-keyring"
	"golang.org/x/oauth2"

	"github.com/mcprun/mcprun/mcpclient/oauth"
)

// Update holds the record (a lock file in the config folder) while fn
// reads and replaces it: concurrent updates see each other's result.
func TestUpdateHoldsTheRecord(t *testing.T) {
	keyring.MockInit()
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	s, err := New("mcprun-test-update")
	if err != nil {
		t.Fatal(err)
	}
	var _ oauth.Updater = s
	const server = "https://mcp.example/mcp"
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			err := s.Update(context.Background(), server, nil, func(cur *oauth.Record) (*oauth.Record, error) {
				n := ""
				if cur != nil {
					n = cur.Token.RefreshToken
				}
				return &oauth.Record{Server: server, Token: &oauth2.Token{RefreshToken: n + "x"}}, nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, err := s.Load(context.Background(), server, nil)
	if err != nil || got.Token.RefreshToken != "xxxxxxxxxx" {
		t.Fatalf("after 10 updates: %+v, %v; want each to see the one before", got, err)
	}
	if _, err := os.Stat(filepath.Join(cfg, "mcprun", "keyring-mcprun-test-update.lock")); err != nil {
		t.Errorf("no lock file: %v", err)
	}
}
