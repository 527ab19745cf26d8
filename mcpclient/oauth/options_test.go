package oauth

import (
	"context"
	"strings"
	"testing"
)

// Invalid options, and options that mean nothing where they are given, are
// errors from the constructor.
func TestOptionErrors(t *testing.T) {
	fetch := (&RedirectFollower{}).Fetch
	handler := func(opts ...Option) error {
		_, err := NewHandler("https://mcp.example.com/mcp", testRedirect, fetch, opts...)
		return err
	}
	params := func(opts ...Option) error {
		// Options are checked before any request: the server is not there.
		_, err := BuildOAuthParams(context.Background(), "http://127.0.0.1:1/mcp", testRedirect, opts...)
		return err
	}
	probe := func(opts ...Option) error {
		_, err := RequiresAuth(context.Background(), "http://127.0.0.1:1/mcp", opts...)
		return err
	}
	for _, tc := range []struct {
		name string
		make func(...Option) error
		opts []Option
		want string
	}{
		{"nil option", handler, []Option{nil}, "nil Option"},
		{"nil store", handler, []Option{WithStore(nil)}, "WithStore: nil store"},
		{"empty client name", handler, []Option{WithClientName(" ")}, "WithClientName: empty name"},
		{"empty client id", params, []Option{WithClientID("")}, "WithClientID: empty client ID"},
		{"nil http client", probe, []Option{WithHTTPClient(nil)}, "nil client"},
		{"metadata URL not https", handler, []Option{WithClientIDMetadataURL("http://example.com/client.json")}, "not an https URL"},
		{"metadata URL without path", handler, []Option{WithClientIDMetadataURL("https://example.com/")}, "not an https URL"},
		// A secret on a client registered dynamically means nothing.
		{"secret without client id", handler, []Option{WithClientSecret("S3CR3T")}, "WithClientSecret needs WithClientID"},
		{"secret without client id (params)", params, []Option{WithClientSecret("S3CR3T")}, "WithClientSecret needs WithClientID"},
		{"client name with client id", handler, []Option{WithClientID("c"), WithClientName("n")}, "WithClientName is sent in dynamic registration"},
		// Options for another constructor.
		{"private key on handler", handler, []Option{WithPrivateKey([]byte("k"))}, "WithPrivateKey applies to NewClientCredentialsHandler, not NewHandler"},
		{"metadata URL on params", params, []Option{WithClientIDMetadataURL("https://example.com/c.json")}, "WithClientIDMetadataURL applies to NewHandler, not BuildOAuthParams"},
		{"logger on params", params, []Option{WithLogger(nil)}, "WithLogger applies to"},
		{"store on probe", probe, []Option{WithStore(NewMemoryStore())}, "WithStore applies to NewHandler and BuildOAuthParams, not RequiresAuth"},
		{"scopes on probe", probe, []Option{WithScopes("a")}, "not RequiresAuth"},
	} {
		err := tc.make(tc.opts...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "oauth: ") {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "S3CR3T") {
			t.Errorf("%s: the error quotes the secret: %v", tc.name, err)
		}
	}
	// A pre-registered confidential client is fine.
	if err := handler(WithClientID("c"), WithClientSecret("S3CR3T"), WithScopes("a", "b"), WithStore(new(MemoryStore))); err != nil {
		t.Errorf("valid options: %v", err)
	}
	// Required arguments.
	if _, err := NewHandler("https://mcp.example.com/mcp", testRedirect, nil); err == nil {
		t.Error("NewHandler without a fetcher succeeded")
	}
	if _, err := NewHandler("https://mcp.example.com/mcp", "", fetch); err == nil {
		t.Error("NewHandler without a redirect URL succeeded")
	}
}
