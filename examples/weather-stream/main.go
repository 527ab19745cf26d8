// Command weather-stream is the weather example (see ../weather) streamed,
// as the reference SDK's run_stream_async: it prints each event as it
// arrives — the API's deltas, and the start and result of each local tool
// call — and then the run's result.
//
// From the repository root, with MISTRAL_API_KEY set:
//
//	go run ./examples/weather-stream                 # creates the agent
//	go run ./examples/weather-stream -agent ag_...   # reuses an agent
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strings"

	"mvdan.cc/sh/v3/shell"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// WeatherResult is the answer the model must give (a strict JSON schema).
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

// example streams the weather example, printing to out. serverCmd starts
// the MCP server (command and arguments).
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

	var res *run.Result
	for ev, err := range r.Stream(ctx, mistral.TextInputs("Tell me the weather in John's location currently.")) {
		if err != nil {
			return err // breaking out (or returning) cancels the run
		}
		switch ev := ev.(type) {
		case *mistral.MessageOutputDeltaEvent:
			fmt.Fprintf(out, "%-22s %q\n", ev.EventType(), ev.Content.Text)
		case *mistral.FunctionCallDeltaEvent:
			fmt.Fprintf(out, "%-22s %s %s\n", ev.EventType(), ev.Name, ev.Arguments)
		case *run.ToolStartedEvent:
			fmt.Fprintf(out, "%-22s %s(%s)\n", ev.EventType(), ev.Name, ev.Arguments)
		case *run.FunctionResultEvent:
			fmt.Fprintf(out, "%-22s %s -> %s\n", ev.EventType(), ev.Name, ev.Result)
		case *run.ResultEvent:
			res = ev.Result // always the last event
		default:
			fmt.Fprintln(out, ev.EventType())
		}
	}

	var types []string
	for _, e := range res.OutputEntries {
		types = append(types, e.EntryType())
	}
	fmt.Fprintln(out, "entries:", strings.Join(types, ", "))
	w, err := run.OutputAs[WeatherResult](res)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "result: %+v\n", w)
	return nil
}
