package keyring

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
	"go.uber.org/goleak"
	"golang.org/x/oauth2"

	"github.com/mcprun/mcprun/mcpclient/oauth"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func testRecord() *oauth.Record {
	return &oauth.Record{
		Server: "https://mcp.example.com/mcp",
		Scopes: []string{"b", "a"},
		Token: &oauth2.Token{AccessToken: "AT-secret", RefreshToken: "RT-secret",
			Expiry: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
		Client: &oauth.Registration{ClientID: "cid", ClientSecret: "CS-secret", Issuer: "https://as.example.com"},
	}
}

func TestStore(t *testing.T) {
	keyring.MockInit()
	ctx := context.Background()
	s, err := New("mcprun-test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, "https://mcp.example.com/mcp", nil); !errors.Is(err, oauth.ErrNotFound) {
		t.Fatalf("Load on empty store: %v, want oauth.ErrNotFound", err)
	}
	rec := testRecord()
	if err := s.Save(ctx, rec); err != nil {
		t.Fatal(err)
	}
	other := &oauth.Record{Server: "https://other.example.com", Token: &oauth2.Token{RefreshToken: "x"}}
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
	if got.Token.AccessToken != "" {
		t.Errorf("access token kept: %q", got.Token.AccessToken)
	}
	if _, err := s.Load(ctx, rec.Server, []string{"a"}); !errors.Is(err, oauth.ErrNotFound) {
		t.Errorf("other scopes: %v", err)
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("List = %d, %v", len(list), err)
	}
	if err := s.Delete(ctx, rec.Server); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, rec.Server, rec.Scopes); !errors.Is(err, oauth.ErrNotFound) {
		t.Errorf("after Delete: %v", err)
	}
	list, _ = s.List(ctx)
	if len(list) != 1 || list[0].Server != other.Server {
		t.Errorf("List after delete = %v", list)
	}
	if _, err := New(""); err == nil {
		t.Error("New(\"\") succeeded")
	}
}

func TestStoreTooLarge(t *testing.T) {
	keyring.MockInit()
	rec := testRecord()
	rec.Token.RefreshToken = strings.Repeat("r", 3000)
	s, _ := New("mcprun-test")
	err := s.Save(context.Background(), rec)
	if !errors.Is(err, ErrTooLarge) || strings.Contains(err.Error(), "rrrr") {
		t.Errorf("err = %v, want ErrTooLarge without the token", err)
	}
}

func TestDefaultStoreFallsBack(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	keyring.MockInitWithError(errors.New("no secret service"))
	s, err := DefaultStore()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*oauth.FileStore); !ok {
		t.Errorf("DefaultStore = %T, want *oauth.FileStore", s)
	}
	keyring.MockInit()
	s, _ = DefaultStore()
	if _, ok := s.(*Store); !ok {
		t.Errorf("DefaultStore = %T, want *Store", s)
	}
}
