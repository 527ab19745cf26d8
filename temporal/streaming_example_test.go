package temporal_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
	"github.com/mcprun/mcprun/temporal"
)

// A client starts a durable run bounded to five minutes and prints its
// answer's text as the model writes it, from the turn activity's
// heartbeats (one turn here: for runs with tools, Progress.Texts has each
// turn's whole text, as mcprun-temporal run --stream uses it). (It needs a Temporal server and a worker: make temporal-dev,
// mcprun worker.)
func ExampleGetStreamingTurn() {
	ctx := context.Background()
	tc, err := client.Dial(client.Options{HostPort: "127.0.0.1:7233", Namespace: "default"})
	if err != nil {
		log.Fatal(err)
	}
	defer tc.Close()
	in := temporal.RunInput{
		Settings: run.Settings{Model: "mistral-medium-latest"},
		Inputs:   mistral.TextInputs("Write a haiku about durable runs"),
		Timeout:  5 * time.Minute,
	}
	wr, err := temporal.Start(ctx, tc, in, client.StartWorkflowOptions{})
	if err != nil {
		log.Fatal(err)
	}
	type result struct {
		res *run.Result
		err error
	}
	done := make(chan result, 1)
	go func() { res, err := temporal.Wait(ctx, tc, wr.GetID()); done <- result{res, err} }()
	shown := ""
	for {
		select {
		case r := <-done:
			if r.err != nil {
				log.Fatal(r.err)
			}
			// The last words may have come after the last heartbeat.
			if t := r.res.Text(); strings.HasPrefix(t, shown) {
				fmt.Print(t[len(shown):])
			}
			fmt.Println()
			return
		case <-time.After(250 * time.Millisecond):
			st, err := temporal.GetStreamingTurn(ctx, tc, wr.GetID())
			if err != nil || st == nil {
				continue
			}
			if strings.HasPrefix(st.Text, shown) {
				fmt.Print(st.Text[len(shown):])
				shown = st.Text
			}
		}
	}
}
