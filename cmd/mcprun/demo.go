package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

const demoPrompt = "Tell me the weather in John's location currently."

// weatherResult is the demo's structured output, as in the reference example.
type weatherResult struct {
	User        string  `json:"user"`
	Location    string  `json:"location"`
	Temperature float64 `json:"temperature"`
}

// demoCmd runs the reference weather example through the CLI: a local
// get_location function, the stdio weather MCP server, structured output.
// Without MISTRAL_API_KEY it runs against an in-process mistraltest with a
// scripted model, and says so first.
func (a *app) demoCmd(ctx context.Context, args []string) error {
	var f runFlags
	fs := f.register(a, "demo")
	if err := a.parse(fs, args); err != nil {
		return err
	}
	prompt := strings.Join(fs.Args(), " ")
	f.command, f.flagArgs = "demo", args[:len(args)-len(fs.Args())]
	if prompt == "" && f.conversation == "" {
		prompt = demoPrompt
	}
	if len(f.servers.Stdio)+len(f.servers.SSE)+len(f.servers.HTTP) == 0 && f.servers.config == "" {
		if _, err := os.Stat("examples/weather/server"); err != nil {
			return fmt.Errorf("give the weather server: --stdio \"PATH/TO/weather-server\" (make demo builds it)")
		}
		f.servers.Stdio = append(f.servers.Stdio, "go run ./examples/weather/server")
	}
	var clientOpts []mistral.Option
	if api := a.apiSettings(f.serverURL); api.key == "" {
		srv := mistraltest.NewServer(demoModel())
		defer srv.Close()
		f.serverURL = srv.URL
		clientOpts = append(clientOpts, mistral.WithAPIKey("demo"))
		fmt.Fprintln(a.stdout, "mcprun demo: MISTRAL_API_KEY is not set, so this runs against mistraltest, a local scripted stand-in for the Mistral API (the model's replies are canned; the MCP server and the tool calls are real).")
	} else {
		fmt.Fprintf(a.stdout, "mcprun demo: running against the Mistral API at %s with %s.\n", api.url(), f.model)
	}
	fmt.Fprintf(a.stdout, "prompt: %s\n", prompt)
	getLocation := run.MustFunc("get_location", "The city where a user is.", func(ctx context.Context, in struct {
		Name string `json:"name" jsonschema:"the user's first name"`
	}) (string, error) {
		if city, ok := map[string]string{"John": "Paris", "Jane": "Lyon", "Ada": "London"}[in.Name]; ok {
			return city, nil
		}
		return "", fmt.Errorf("no location known for %q", in.Name)
	})
	extra := []run.Option{run.WithFunctions(getLocation)}
	if f.outputSchema == "" && !f.jsonOut {
		extra = append(extra, run.WithOutput[weatherResult]())
		f.showEntries = true
	}
	return a.execRun(ctx, &f, prompt, extra, clientOpts...)
}
