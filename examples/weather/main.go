// Command weather is the reference SDK's first example in Go: an agent
// "weather teller" whose run has a local Go function (get_location), the
// tools of a stdio MCP server (get_weather, in ./server) and a structured
// output type (WeatherResult). Tool errors go back to the model
// (continue on error).
//
// From the repository root, with MISTRAL_API_KEY set:
//
//	go run ./examples/weather                 # creates the agent
//	go run ./examples/weather -agent ag_...   # reuses an agent
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"

	"mvdan.cc/sh/v3/shell"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// WeatherResult is the answer the model must give: it becomes the run's
// response format (a strict JSON schema).
type WeatherResult struct {
	User        string  `json:"user"`
	Location    string  `json:"location"`
	Temperature float64 `json:"temperature"`
}

// LocationIn is get_location's input; its JSON schema is inferred.
type LocationIn struct {
	Name string `json:"name" jsonschema:"the user's first name"`
}

var locations = map[string]string{"John": "Paris", "Jane": "London", "Marie": "Lyon"}

// getLocation is a local function the model can call.
var getLocation = run.MustFunc("get_location", "Where a user is.",
	func(ctx context.Context, in LocationIn) (string, error) {
		loc, ok := locations[in.Name]
		if !ok {
			return "", fmt.Errorf("no location known for %q", in.Name)
		}
		return loc, nil
	})

func main() {
	agentID := flag.String("agent", "", "reuse this agent instead of creating one")
	server := flag.String("server", "go run ./examples/weather/server", "command that starts the weather MCP server")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	client, err := mistral.NewClient(mistral.FromEnv()) // MISTRAL_API_KEY, MISTRAL_SERVER_URL
	if err != nil {
		log.Fatal(err)
	}
	serverCmd, err := shell.Fields(*server, nil) // quotes respected, no shell run
	if err != nil || len(serverCmd) == 0 {
		log.Fatalf("-server %q: %v", *server, err)
	}
	if err := example(ctx, client, os.Stdout, *agentID, serverCmd); err != nil {
		log.Fatal(err)
	}
}

// example runs the weather example and prints its entries and result to
// out. serverCmd starts the MCP server (command and arguments).
func example(ctx context.Context, client *mistral.Client, out io.Writer, agentID string, serverCmd []string) error {
	if agentID == "" {
		agent, err := client.CreateAgent(ctx, &mistral.CreateAgentRequest{
			Model:        "mistral-medium-latest",
			Name:         "weather teller",
			Instructions: "You tell the weather.",
		})
		if err != nil {
			return err
		}
		agentID = agent.ID
		fmt.Fprintln(out, "created agent", agentID)
	}

	weather, err := mcpclient.NewStdio(serverCmd[0], serverCmd[1:], mcpclient.WithName("weather"))
	if err != nil {
		return err
	}
	r, err := run.New(client,
		run.WithAgent(agentID),
		run.WithOutput[WeatherResult](),
		run.WithContinueOnError(true),
		run.WithFunctions(getLocation),
		run.WithMCP(weather), // the Runner closes it (and stops the server)
	)
	if err != nil {
		weather.Close() // not the Runner's: New failed
		return err
	}
	defer r.Close()

	res, err := r.Run(ctx, mistral.TextInputs("Tell me the weather in John's location currently."))
	if err != nil {
		return err
	}
	for _, e := range res.OutputEntries {
		fmt.Fprintf(out, "%-16s %s\n", e.EntryType(), summary(e))
	}
	w, err := run.OutputAs[WeatherResult](res)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "result: %+v\n", w)
	return nil
}

// summary is a short rendering of an entry.
func summary(e mistral.Entry) string {
	var s string
	switch e := e.(type) {
	case *mistral.FunctionCallEntry:
		s = e.Name + "(" + e.Arguments + ")"
	case *mistral.FunctionResultEntry:
		s = e.Result
	case *mistral.MessageOutputEntry:
		s = e.Content.Text
		for _, c := range e.Content.Chunks {
			if t, ok := c.(*mistral.TextChunk); ok {
				s += t.Text
			}
		}
	}
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	return s
}
