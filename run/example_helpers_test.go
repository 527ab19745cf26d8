package run_test

import (
	"log"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
)

// exampleAPI starts mistraltest with script playing the model and returns a
// client of it and the server's Close. Against the real API the client is
// mistral.NewClient(mistral.FromEnv()) with MISTRAL_API_KEY set.
func exampleAPI(script mistraltest.Script) (*mistral.Client, *mistraltest.Server) {
	srv := mistraltest.NewServer(script)
	client, err := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))
	if err != nil {
		log.Fatal(err)
	}
	return client, srv
}
