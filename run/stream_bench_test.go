package run_test

import (
	"context"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// BenchmarkStreamDeltas streams one answer of 40,000 one-character deltas
// through Runner.Stream and, as the floor, through the mistral client's own
// stream, interleaved, against a fake API in a process of its own. Goal:
// ≤ 1.5× the bare stream (the cost must grow linearly with the length).
func BenchmarkStreamDeltas(b *testing.B) {
	const deltas = 40000
	url := startFakeAPI(b, "-script", "stream", "-deltas", "40000")
	ctx := context.Background()
	c, err := mistral.NewClient(mistral.WithServerURL(url), mistral.WithAPIKey("k"))
	if err != nil {
		b.Fatal(err)
	}
	r, err := run.New(c, run.WithModel("m"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	viaRun := func(b *testing.B) {
		n := 0
		for ev, err := range r.Stream(ctx, mistral.TextInputs("go")) {
			if err != nil {
				b.Fatal(err)
			}
			if res, ok := ev.(*run.ResultEvent); ok && len(res.Result.Text()) != deltas {
				b.Fatalf("%d bytes of text", len(res.Result.Text()))
			}
			n++
		}
		if n < deltas {
			b.Fatalf("%d events", n)
		}
	}
	bare := func(b *testing.B) {
		n := 0
		for _, err := range c.StartConversationStream(ctx, &mistral.ConversationRequest{Model: "m", Inputs: mistral.TextInputs("go")}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n < deltas {
			b.Fatalf("%d events", n)
		}
	}
	b.Run("run", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			viaRun(b)
		}
	})
	b.Run("bare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			bare(b)
		}
	})
	b.Run("interleaved", func(b *testing.B) {
		var tRun, tBare time.Duration
		for b.Loop() {
			start := time.Now()
			viaRun(b)
			tRun += time.Since(start)
			start = time.Now()
			bare(b)
			tBare += time.Since(start)
		}
		b.ReportMetric(float64(tRun)/float64(tBare), "x-bare")
	})
}
