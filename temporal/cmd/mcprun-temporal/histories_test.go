package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
	"github.com/mcprun/mcprun/temporal"
)

// TestSaveHistories writes the workflow histories that
// temporal's TestReplaySavedHistories replays (a change that breaks
// determinism fails it). Run it after a deliberate change of the
// workflow's commands: MCPRUN_SAVE_HISTORIES=1 go test -run TestSaveHistories.
func TestSaveHistories(t *testing.T) {
	if os.Getenv("MCPRUN_SAVE_HISTORIES") != "1" {
		t.Skip("MCPRUN_SAVE_HISTORIES=1 writes temporal/testdata/histories")
	}
	addr := tempServer(t)
	ms := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if r, ok := t.ResultOf("add"); ok {
			return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("sum " + r)}}, nil
		}
		return &mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Call("add", addIn{1, 2}), mistraltest.Call("add", addIn{3, 4})}}, nil
	})
	defer ms.Close()
	mc, err := mistral.NewClient(mistral.WithServerURL(ms.URL), mistral.WithAPIKey("k"), mistral.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	add := run.MustFunc("add", "Adds.", func(ctx context.Context, in addIn) (int, error) { return in.A + in.B, nil })
	tc, err := client.Dial(client.Options{HostPort: addr, Namespace: "default", Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	save := func(name, queue string, r *run.Runner, timeout time.Duration, during func(id string)) {
		w, err := temporal.NewWorker(tc, queue, r, worker.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		wr, err := temporal.Start(ctx, tc, temporal.RunInput{Settings: r.Settings(), Inputs: mistral.TextInputs("add"), Timeout: timeout}, client.StartWorkflowOptions{TaskQueue: queue})
		if err != nil {
			t.Fatal(err)
		}
		if during != nil {
			during(wr.GetID())
		}
		if _, err := temporal.Wait(ctx, tc, wr.GetID()); err != nil {
			t.Fatal(err)
		}
		h := &historypb.History{}
		it := tc.GetWorkflowHistory(ctx, wr.GetID(), wr.GetRunID(), false, 0)
		for it.HasNext() {
			e, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			h.Events = append(h.Events, e)
		}
		b, err := protojson.MarshalOptions{Indent: "  "}.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("../../testdata/histories", name+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plain, err := run.New(mc, run.WithModel("m"), run.WithFunctions(add))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	save("two-calls", "h-plain", plain, 0, nil)
	// With a timeout: the workflow's timer and the goroutine that waits on
	// it are in the history.
	save("timeout", "h-timeout", plain, time.Hour, nil)

	confirm, err := run.New(mc, run.WithModel("m"), run.WithFunctions(add.RequireConfirmation()))
	if err != nil {
		t.Fatal(err)
	}
	defer confirm.Close()
	save("approval", "h-approval", confirm, 0, func(id string) {
		waitFor(t, "the run to wait for approval", time.Minute, func() bool {
			p, err := temporal.GetProgress(ctx, tc, id)
			return err == nil && p.Deferral != nil
		})
		p, _ := temporal.GetProgress(ctx, tc, id)
		var decs []run.Decision
		for i, c := range p.Deferral.Calls {
			if i == 0 {
				decs = append(decs, run.Approve(c.ToolCallID))
			} else {
				decs = append(decs, run.Reject(c.ToolCallID, "no"))
			}
		}
		if err := temporal.Approve(ctx, tc, id, decs...); err != nil {
			t.Fatal(err)
		}
	})
}
