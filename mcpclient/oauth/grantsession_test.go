package oauth

import (
	"context"
	"net/http"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/oauthex"
	"golang.org/x/oauth2"
)

// A grant handler runs a new grant when the server refused the token it
// holds, whether the request carried it as a Bearer or a DPoP token, and
// otherwise lets the request be retried with the token it holds.
func TestGrantSessionRejectedToken(t *testing.T) {
	ctx := ctxT(t)
	f := newFakeAS(t)
	for _, c := range []struct {
		authorization string
		grant         bool
	}{
		{"Bearer held", true},
		{"DPoP held", true},
		{"dpop held", true},
		{"Bearer older", false},
		{"DPoP older", false},
		{"", false},
	} {
		s := &grantSession{ts: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "held"})}
		req, _ := http.NewRequest("POST", f.mcpURL(), nil)
		if c.authorization != "" {
			req.Header.Set("Authorization", c.authorization)
		}
		granted := false
		grant := func(ctx context.Context, d *discovery, _ []oauthex.Challenge, _ bool, _ []string) (*oauth2.Token, oauth2.TokenSource, []string, error) {
			granted = true
			tok := &oauth2.Token{AccessToken: "new"}
			return tok, oauth2.StaticTokenSource(tok), []string{"s"}, nil
		}
		resp := &http.Response{StatusCode: http.StatusUnauthorized, Header: http.Header{}}
		if err := s.authorize(ctx, req, resp, f.mcpURL(), nil, grant); err != nil {
			t.Fatalf("%q: %v", c.authorization, err)
		}
		if granted != c.grant {
			t.Errorf("%q: granted %v, want %v", c.authorization, granted, c.grant)
		}
		if ts, _ := s.tokenSource(); c.grant {
			if tok, _ := ts.Token(); tok.AccessToken != "new" || s.scopes[0] != "s" {
				t.Errorf("%q: kept %v %v", c.authorization, tok, s.scopes)
			}
		}
	}
}
