package oauth

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mcprun/mcprun/internal/testpeers"
	"github.com/mcprun/mcprun/mcpclient"
	"github.com/modelcontextprotocol/go-sdk/auth"
)

func TestTypeScriptServerOAuth(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	server := testpeers.StartTSOAuthServer(t)
	ctx := ctxT(t)
	store := NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	var logins atomic.Int32
	follower := &RedirectFollower{}
	newHandler := func() *Handler {
		h, err := NewHandler(server, testRedirect, func(ctx context.Context, a *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
			logins.Add(1)
			return follower.Fetch(ctx, a)
		}, WithStore(store))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	greet := func(h *Handler) {
		t.Helper()
		c := mustClient(mcpclient.NewHTTP(server, mcpclient.WithHTTPTransport(mcpclient.Streamable), mcpclient.WithOAuthHandler(h)))
		defer c.Close()
		if err := c.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := c.CallTool(ctx, "greet", []byte(`{"name":"mcprun"}`))
		if err != nil || res.IsError || !strings.Contains(res.Text, "mcprun") {
			t.Fatalf("greet: %v %+v", err, res)
		}
	}

	need, err := RequiresAuth(ctx, server)
	if err != nil || !need {
		t.Fatalf("RequiresAuth = %v, %v", need, err)
	}
	greet(newHandler())
	if logins.Load() != 1 {
		t.Fatalf("logins = %d, want 1", logins.Load())
	}
	rec, err := store.Load(ctx, server, nil)
	if err != nil || rec.Client == nil || rec.Token == nil {
		t.Fatalf("nothing stored: %v", err)
	}
	// A new handler (a new run) reuses the stored token.
	greet(newHandler())
	if logins.Load() != 1 {
		t.Errorf("logins = %d after reconnect, want 1", logins.Load())
	}
	// Without the token: a login with the stored registration (the TS
	// server would refuse an unknown client_id).
	rec.Token = nil
	_ = store.Save(ctx, rec)
	greet(newHandler())
	if logins.Load() != 2 {
		t.Errorf("logins = %d, want 2", logins.Load())
	}
	if rec2, _ := store.Load(ctx, server, nil); rec2 == nil || rec2.Client.ClientID != rec.Client.ClientID {
		t.Error("registered again")
	}

	// The reference flow against the same server.
	p, err := BuildOAuthParams(ctx, server, testRedirect)
	if err != nil {
		t.Fatal(err)
	}
	authURL, state, err := p.AuthURL()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.Exchange(ctx, follow(t, authURL), state)
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(server, testRedirect, func(context.Context, *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
		return nil, errors.New("login must not run after SetToken")
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.SetToken(ctx, tok, p.Registration()); err != nil {
		t.Fatal(err)
	}
	greet(h)
}
