package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/mcprun/mcprun/mcpclient/oauth"
)

// revokeLogins asks the authorization server to revoke every stored login
// of server (RFC 7009), where it offers revocation, before logout deletes
// them. A failure is said in one line: the local login is deleted anyway,
// and the user knows the tokens may live on until they expire.
func (a *app) revokeLogins(ctx context.Context, store oauth.TokenStore, server string) {
	recs, err := store.List(ctx)
	if err != nil {
		return // Delete reports the store's trouble
	}
	for _, r := range recs {
		if r.Server != server {
			continue
		}
		switch err := oauth.Revoke(ctx, r); {
		case err == nil:
			if r.Token != nil {
				fmt.Fprintf(a.stdout, "revoked the tokens of %s at its authorization server\n", server)
			}
		case errors.Is(err, oauth.ErrNoRevocation):
			fmt.Fprintf(a.stderr, "mcprun: %s: its authorization server offers no revocation; the tokens stay valid until they expire\n", server)
		default:
			fmt.Fprintf(a.stderr, "mcprun: %s: revoking the tokens failed (%s); they stay valid until they expire\n", server, oneLine(err.Error()))
		}
	}
}
