// Command remote is the reference SDK's second example in Go: a run on a
// model with the tools of a remote MCP server that needs no
// authentication. The server is reached over Streamable HTTP, or legacy
// HTTP+SSE when it does not speak Streamable HTTP (mcpclient.NewHTTP).
//
// With MISTRAL_API_KEY set:
//
//	go run ./examples/remote
//	go run ./examples/remote -url https://example.com/mcp -prompt "..."
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

func main() {
	url := flag.String("url", "https://mcp.semgrep.ai/sse", "URL of the MCP server")
	prompt := flag.String("prompt", "Can you write a hello_world.py and check it for security vulnerabilities?", "what to ask")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	client, err := mistral.NewClient(mistral.FromEnv()) // MISTRAL_API_KEY, MISTRAL_SERVER_URL
	if err != nil {
		log.Fatal(err)
	}
	if err := example(ctx, client, os.Stdout, *url, *prompt); err != nil {
		log.Fatal(err)
	}
}

// example runs prompt with the tools of the MCP server at url and prints
// the model's text to out.
func example(ctx context.Context, client *mistral.Client, out io.Writer, url, prompt string) error {
	remote, err := mcpclient.NewHTTP(url)
	if err != nil {
		return err
	}
	r, err := run.New(client,
		run.WithModel("mistral-medium-latest"),
		run.WithMCP(remote), // the Runner closes it
		run.WithContinueOnError(true),
	)
	if err != nil {
		remote.Close()
		return err
	}
	defer r.Close()

	res, err := r.Run(ctx, mistral.TextInputs(prompt))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, res.Text())
	return nil
}
