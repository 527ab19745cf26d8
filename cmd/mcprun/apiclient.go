package main

import (
	"fmt"

	"github.com/mcprun/mcprun/mistral"
)

// apiSettings are where the Mistral API is and the key to it.
type apiSettings struct {
	key       string
	serverURL string // "" means mistral.DefaultServerURL
}

// apiSettings reads the API's settings: the environment (MISTRAL_API_KEY,
// MISTRAL_SERVER_URL, through a.getenv), with a --server-url flag over it.
// It is the one place the CLI reads them; nothing below cmd reads the
// environment.
func (a *app) apiSettings(serverURLFlag string) apiSettings {
	s := apiSettings{key: a.getenv("MISTRAL_API_KEY"), serverURL: a.getenv("MISTRAL_SERVER_URL")}
	if serverURLFlag != "" {
		s.serverURL = serverURLFlag
	}
	return s
}

// url is the API's base URL, for messages.
func (s apiSettings) url() string {
	if s.serverURL == "" {
		return mistral.DefaultServerURL
	}
	return s.serverURL
}

// apiClient builds the Mistral client of a command from the environment and
// its --server-url flag; extra options (a logger, the demo's key) come last
// and win.
func (a *app) apiClient(serverURLFlag string, extra ...mistral.Option) (*mistral.Client, error) {
	s := a.apiSettings(serverURLFlag)
	a.secrets.Add(s.key)
	var opts []mistral.Option
	if s.key != "" {
		opts = append(opts, mistral.WithAPIKey(s.key))
	}
	if s.serverURL != "" {
		opts = append(opts, mistral.WithServerURL(s.serverURL))
	}
	c, err := mistral.NewClient(append(opts, extra...)...)
	if err != nil && serverURLFlag == "" && s.serverURL != "" {
		// Say where a bad URL came from.
		return nil, fmt.Errorf("MISTRAL_SERVER_URL: %w", err)
	}
	return c, err
}
