package run_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// BenchmarkConcurrentRuns runs 1,000 runs at once on one Runner sharing one
// stdio MCP server (the weather example's), each making a tool call, and
// reports the process's peak RSS during them (goal: < 200 MiB, no error).
// The fake API runs in a process of its own, so the peak is the runs' alone.
func BenchmarkConcurrentRuns(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "weather-server")
	if out, err := exec.Command("go", "build", "-o", bin, "../examples/weather/server").CombinedOutput(); err != nil {
		b.Fatalf("building the weather server: %v\n%s", err, out)
	}
	// The fake API in a process of its own: it keeps every request, and
	// its memory is not the runs'.
	url := startFakeAPI(b, "-script", "weather", "-key", "location")
	c, err := mistral.NewClient(mistral.WithServerURL(url), mistral.WithAPIKey("k"))
	if err != nil {
		b.Fatal(err)
	}
	mc := mustMCP(mcpclient.NewStdio(bin, nil))
	r, err := run.New(c, run.WithModel("m"), run.WithMCP(mc))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	if err := r.Connect(context.Background()); err != nil {
		b.Fatal(err)
	}
	const runs = 1000
	var peak float64
	for b.Loop() {
		resetPeakRSS()
		var wg sync.WaitGroup
		errs := make(chan error, runs)
		for range runs {
			wg.Go(func() {
				res, err := r.Run(context.Background(), mistral.TextInputs("weather in Paris"))
				if err == nil && !strings.Contains(res.Text(), "Paris") {
					err = errUnexpected(res.Text())
				}
				if err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		peak = max(peak, peakRSSMiB())
	}
	b.ReportMetric(peak, "peak-RSS-MiB")
}

type errUnexpected string

func (e errUnexpected) Error() string { return "unexpected answer: " + string(e) }

// resetPeakRSS resets the kernel's peak RSS of this process (Linux: writing
// 5 to clear_refs), so that VmHWM measures what follows.
func resetPeakRSS() {
	os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

func peakRSSMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}
