package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/oauth2"

	"github.com/mcprun/mcprun/mcpclient/oauth"
)

// Logins kept in a 0600 file (give the store to a handler with
// oauth.WithStore). A file others can read is reported, not used: its
// tokens may have leaked.
func ExampleFileStore() {
	dir, err := os.MkdirTemp("", "tokens")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "oauth-tokens.json")
	store := oauth.NewFileStore(path)
	ctx := context.Background()

	rec := &oauth.Record{Server: "https://mcp.example.com/mcp", Token: &oauth2.Token{RefreshToken: "r-1"}}
	if err := store.Save(ctx, rec); err != nil {
		fmt.Println(err)
		return
	}
	got, err := store.Load(ctx, "https://mcp.example.com/mcp", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	info, _ := os.Stat(path)
	fmt.Println(got.Token.RefreshToken, info.Mode().Perm())

	os.Chmod(path, 0o644)
	_, err = store.Load(ctx, "https://mcp.example.com/mcp", nil)
	fmt.Println(errors.Is(err, oauth.ErrInsecureFile))
	// Output:
	// r-1 -rw-------
	// true
}
