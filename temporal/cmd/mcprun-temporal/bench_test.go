package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
	"github.com/mcprun/mcprun/temporal"
)

type addIn struct {
	A int `json:"a"`
	B int `json:"b"`
}

// BenchmarkDurableOverLocal runs the same two-turn run (one tool call) on
// the same scripted model b.N times through a worker on the embedded server
// and b.N times in process, and reports both rates and their ratio.
func BenchmarkDurableOverLocal(b *testing.B) {
	addr := tempServer(b)
	ms := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if r, ok := t.ResultOf("add"); ok {
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("sum " + r)}}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("add", addIn{1, 2})}}, nil
	})
	defer ms.Close()
	mc, err := mistral.NewClient(mistral.WithServerURL(ms.URL), mistral.WithAPIKey("k"), mistral.WithMaxRetries(0))
	if err != nil {
		b.Fatal(err)
	}
	add := run.MustFunc("add", "Adds.", func(ctx context.Context, in addIn) (int, error) { return in.A + in.B, nil })
	r, err := run.New(mc, run.WithModel("m"), run.WithFunctions(add))
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	tc, err := client.Dial(client.Options{HostPort: addr, Namespace: "default", Logger: quietLogger()})
	if err != nil {
		b.Fatal(err)
	}
	defer tc.Close()
	w, err := temporal.NewWorker(tc, "bench", r, worker.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	ctx := context.Background()
	in := temporal.RunInput{Settings: r.Settings(), Inputs: mistral.TextInputs("1+2")}
	durable := func() {
		wr, err := temporal.Start(ctx, tc, in, client.StartWorkflowOptions{TaskQueue: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		res, err := temporal.Wait(ctx, tc, wr.GetID())
		if err != nil || res.Text() != "sum 3" {
			b.Fatalf("%v %q", err, res.Text())
		}
	}
	durable() // warm up the worker's caches
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		durable()
	}
	d := time.Since(start)
	b.StopTimer()
	start = time.Now()
	for range b.N {
		if res, err := r.Run(ctx, mistral.TextInputs("1+2")); err != nil || res.Text() != "sum 3" {
			b.Fatalf("%v", err)
		}
	}
	l := time.Since(start)
	b.ReportMetric(float64(b.N)/d.Seconds(), "durable-runs/s")
	b.ReportMetric(float64(b.N)/l.Seconds(), "local-runs/s")
	b.ReportMetric(d.Seconds()/l.Seconds(), "durable/local-time")
}

// BenchmarkRecovery measures the time from SIGKILL of the worker running a
// tool call to the run's answer from another worker (sticky timeout 1s,
// call heartbeat timeout 2s).
func BenchmarkRecovery(b *testing.B) {
	addr := tempServer(b)
	mcpBin := buildMCP(b)
	var total time.Duration
	b.ResetTimer()
	for i := range b.N {
		total += killDuringCall(b, addr, mcpBin, fmt.Sprintf("recovery-%d", i))
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "recovery-s")
}
