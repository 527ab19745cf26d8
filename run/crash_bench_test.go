package run_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// BenchmarkCrashingServer is the load test of issue 13: 1,000 runs at once
// on one Runner share one stdio server that exits on every 50th call, so
// that runs start, list tools and call while it crashes and restarts.
// Every run must complete: a call the crash lost is a model-visible error
// (continue-on-error), never a failed run, and no run may fail listing
// tools. It reports the runs whose call was lost, and the restarts.
func BenchmarkCrashingServer(b *testing.B) {
	b.Run("stdio", func(b *testing.B) { benchCrashing(b) })
	b.Run("sdkstdio", func(b *testing.B) { benchCrashing(b, mcpclient.WithSDKStdio()) })
}

func benchCrashing(b *testing.B, opts ...mcpclient.Option) {
	bin := filepath.Join(b.TempDir(), "fastserver")
	if out, err := exec.Command("go", "build", "-o", bin, "../internal/benchpeers/fastserver").CombinedOutput(); err != nil {
		b.Fatalf("building fastserver: %v\n%s", err, out)
	}
	url := startFakeAPI(b, "-script", "weather", "-tool", "echo", "-key", "text")
	c, err := mistral.NewClient(mistral.WithServerURL(url), mistral.WithAPIKey("k"))
	if err != nil {
		b.Fatal(err)
	}
	opts = append(opts, mcpclient.WithReconnect(1000)) // a server that crashes this often is restarted every time
	mc := mustMCP(mcpclient.NewStdio(bin, []string{"-mode", "crash=50"}, opts...))
	r, err := run.New(c, run.WithModel("m"), run.WithMCP(mc), run.WithContinueOnError(true))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	if err := r.Connect(context.Background()); err != nil {
		b.Fatal(err)
	}
	const runs = 1000
	var lost atomic.Int64
	for b.Loop() {
		var wg sync.WaitGroup
		var failed atomic.Int64
		var first atomic.Value
		for range runs {
			wg.Go(func() {
				res, err := r.Run(context.Background(), mistral.TextInputs("echo Paris"))
				switch {
				case err != nil:
					failed.Add(1)
					first.CompareAndSwap(nil, err.Error())
				case strings.Contains(res.Text(), "Error while executing echo"):
					lost.Add(1)
				case !strings.Contains(res.Text(), "Paris"):
					failed.Add(1)
					first.CompareAndSwap(nil, "unexpected answer: "+res.Text())
				}
			})
		}
		wg.Wait()
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d of %d runs failed; the first: %v", n, runs, first.Load())
		}
	}
	b.ReportMetric(float64(lost.Load())/float64(b.N), "lost-calls/op")
}
