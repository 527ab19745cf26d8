package temporal_test

import (
	"context"
	"fmt"
	"log"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
	"github.com/mcprun/mcprun/temporal"
)

// A worker lends its tools (here a stdio MCP server, started once and
// reused by every run) and its Mistral client to durable runs; any process
// then starts a run and waits for it. (It needs a Temporal server: make
// temporal-dev starts one.)
func ExampleNewWorker() {
	ctx := context.Background()
	mc, err := mistral.NewClient(mistral.FromEnv(), mistral.WithMaxRetries(0)) // Temporal retries
	if err != nil {
		log.Fatal(err)
	}
	everything, err := mcpclient.NewStdio("npx", []string{"-y", "@modelcontextprotocol/server-everything"})
	if err != nil {
		log.Fatal(err)
	}
	r, err := run.New(mc, run.WithModel("mistral-medium-latest"), run.WithMCP(everything))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	tc, err := client.Dial(client.Options{HostPort: "127.0.0.1:7233", Namespace: "default"})
	if err != nil {
		log.Fatal(err)
	}
	defer tc.Close()
	w, err := temporal.NewWorker(tc, temporal.DefaultTaskQueue, r, worker.Options{}, temporal.AtMostOnce("printEnv"))
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Start(); err != nil {
		log.Fatal(err)
	}
	defer w.Stop()

	wr, err := temporal.Start(ctx, tc, temporal.RunInput{Settings: r.Settings(), Inputs: mistral.TextInputs("Add 2 and 3 with get-sum")}, client.StartWorkflowOptions{})
	if err != nil {
		log.Fatal(err)
	}
	res, err := temporal.Wait(ctx, tc, wr.GetID())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Text())
}
