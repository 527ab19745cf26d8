package keyring_test

import (
	"log"

	"github.com/mcprun/mcprun/mcpclient/oauth"
	"github.com/mcprun/mcprun/mcpclient/oauth/keyring"
)

// mcprun's store: the OS keyring when it answers, else a 0600 file. A
// program that wants the file only uses oauth.NewFileStore and does not
// link the keyring library.
func ExampleDefaultStore() {
	store, err := keyring.DefaultStore()
	if err != nil {
		log.Fatal(err)
	}
	fetcher, err := oauth.NewLoopbackFetcher(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer fetcher.Close()
	h, err := oauth.NewHandler("https://mcp.example.com/mcp", fetcher.RedirectURL(), fetcher.Fetch, oauth.WithStore(store))
	if err != nil {
		log.Fatal(err)
	}
	_ = h // give it to mcpclient.WithOAuthHandler
}
