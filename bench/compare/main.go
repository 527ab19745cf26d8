// Command compare is `make bench`'s side-by-side comparison of MCP
// clients: mcprun, the raw go-sdk, mcp-go, the TypeScript SDK and a
// hand-written JSON-RPC loop (the floor), each in a process of its own,
// making echo tool calls against the same server: a hand-written fast one
// (what is measured is the client) and a go-sdk one; over stdio and
// Streamable HTTP; with 1 and 8 concurrent callers. Rounds are interleaved
// (every client once per round, the order rotating) so that load from
// elsewhere on the machine hits all alike; the table shows medians over
// the rounds, the range of calls/s, and ratios against the TS client.
//
// Run from the bench module: go run ./compare [-rounds 3] [-dur 1s]. It
// needs Node 22 and the TS SDK (`make tools`): MCPRUN_NODE and
// MCPRUN_NODE_MODULES, or ../.cache/tools.env.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

type result struct {
	Impl   string   `json:"impl"`
	Calls  int      `json:"calls"`
	Rate   float64  `json:"calls_per_s"`
	P50    float64  `json:"p50_us"`
	P99    float64  `json:"p99_us"`
	CPU    float64  `json:"cpu_us_per_call"`
	Bytes  *float64 `json:"bytes_per_call"`
	failed string
}

type config struct {
	server    string // fast or gosdk
	transport string // stdio or http
	callers   int
}

func (c config) String() string {
	return fmt.Sprintf("%s server, %s, %d caller(s)", c.server, c.transport, c.callers)
}

var impls = []string{"mcprun", "gosdk", "mcpgo", "ts", "raw"}

func main() {
	rounds := flag.Int("rounds", 3, "interleaved rounds")
	dur := flag.Duration("dur", time.Second, "measured time per client per round")
	only := flag.String("only", "", "only configurations whose name contains this")
	flag.Parse()
	node, modules := nodeEnv()
	if node == "" {
		fatal("no Node: run `make tools` (MCPRUN_NODE, MCPRUN_NODE_MODULES)")
	}
	dir, err := os.MkdirTemp("", "mcpbench")
	if err != nil {
		fatal(err.Error())
	}
	defer os.RemoveAll(dir)
	bin := func(name string) string { return filepath.Join(dir, name) }
	build("..", bin("fastserver"), "./internal/benchpeers/fastserver")
	build(".", bin("gosdkserver"), "./gosdkserver")
	build(".", bin("client"), "./client")
	tsClient, _ := filepath.Abs("ts/client.mjs")

	var configs []config
	for _, s := range []string{"fast", "gosdk"} {
		for _, t := range []string{"stdio", "http"} {
			for _, c := range []int{1, 8} {
				cfg := config{s, t, c}
				if strings.Contains(cfg.String(), *only) {
					configs = append(configs, cfg)
				}
			}
		}
	}
	// One HTTP server per server kind, shared by every client and round.
	urls := map[string]string{}
	for _, s := range []string{"fast", "gosdk"} {
		url, stop := startHTTP(bin(s + "server"))
		defer stop()
		urls[s] = url
	}
	results := map[config]map[string][]result{}
	fmt.Fprintf(os.Stderr, "%d configurations × %d clients × %d rounds of %s\n", len(configs), len(impls), *rounds, *dur)
	for r := range *rounds {
		for _, cfg := range configs {
			if results[cfg] == nil {
				results[cfg] = map[string][]result{}
			}
			order := slices.Concat(impls[r%len(impls):], impls[:r%len(impls)])
			for _, impl := range order {
				var cmd *exec.Cmd
				target := bin(cfg.server + "server")
				if cfg.transport == "http" {
					target = urls[cfg.server]
				}
				if impl == "ts" {
					cmd = exec.Command(node, tsClient, modules, cfg.transport, target, strconv.Itoa(cfg.callers), strconv.FormatFloat(dur.Seconds(), 'f', -1, 64))
				} else {
					flagName := "-stdio"
					if cfg.transport == "http" {
						flagName = "-url"
					}
					cmd = exec.Command(bin("client"), "-impl", impl, flagName, target, "-c", strconv.Itoa(cfg.callers), "-dur", dur.String())
				}
				res := runClient(cmd)
				res.Impl = impl
				results[cfg][impl] = append(results[cfg][impl], res)
				fmt.Fprintf(os.Stderr, "round %d %-40s %-7s %8.0f calls/s %s\n", r+1, cfg, impl, res.Rate, res.failed)
			}
		}
	}
	report(configs, results, *rounds, *dur)
}

func report(configs []config, results map[config]map[string][]result, rounds int, dur time.Duration) {
	fmt.Printf("\nMCP clients side by side: echo tool calls, each client in its own process, %d interleaved rounds of %s; medians (calls/s: median and range).\n", rounds, dur)
	fmt.Printf("Ratios are against the TypeScript SDK client: calls/s ÷ TS (higher is better), CPU ÷ TS (lower is better).\n")
	for _, cfg := range configs {
		fmt.Printf("\n%s\n\n", cfg)
		fmt.Println("| client | calls/s | range | p50 µs | p99 µs | CPU µs/call | B/call | × TS calls/s | × TS CPU |")
		fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
		ts := summarize(results[cfg]["ts"])
		for _, impl := range impls {
			s := summarize(results[cfg][impl])
			if s.n == 0 {
				fmt.Printf("| %s | failed: %s | | | | | | | |\n", impl, s.failed)
				continue
			}
			bytes := "-"
			if s.bytes > 0 {
				bytes = fmt.Sprintf("%.0f", s.bytes)
			}
			fmt.Printf("| %s | %.0f | %.0f–%.0f | %.0f | %.0f | %.1f | %s | %s | %s |\n", impl, s.rate, s.min, s.max, s.p50, s.p99, s.cpu, bytes, ratio(s.rate, ts.rate), ratio(s.cpu, ts.cpu))
		}
	}
}

func ratio(a, b float64) string {
	if a == 0 || b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", a/b)
}

type summary struct {
	n                                    int
	rate, min, max, p50, p99, cpu, bytes float64
	failed                               string
}

func summarize(rs []result) summary {
	var ok []result
	var s summary
	for _, r := range rs {
		if r.failed != "" {
			s.failed = r.failed
			continue
		}
		ok = append(ok, r)
	}
	s.n = len(ok)
	if s.n == 0 {
		return s
	}
	med := func(f func(result) float64) float64 {
		v := make([]float64, len(ok))
		for i, r := range ok {
			v[i] = f(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	s.rate = med(func(r result) float64 { return r.Rate })
	s.p50 = med(func(r result) float64 { return r.P50 })
	s.p99 = med(func(r result) float64 { return r.P99 })
	s.cpu = med(func(r result) float64 { return r.CPU })
	s.bytes = med(func(r result) float64 {
		if r.Bytes == nil {
			return 0
		}
		return *r.Bytes
	})
	s.min = slices.MinFunc(ok, func(a, b result) int { return cmpF(a.Rate, b.Rate) }).Rate
	s.max = slices.MaxFunc(ok, func(a, b result) int { return cmpF(a.Rate, b.Rate) }).Rate
	return s
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func runClient(cmd *exec.Cmd) result {
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var r result
	if err == nil {
		err = json.Unmarshal(out, &r)
	}
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 200 {
			msg = msg[len(msg)-200:]
		}
		r.failed = fmt.Sprintf("%v %s", err, msg)
	}
	return r
}

// startHTTP starts a server with -http on a free loopback port and returns
// its URL; it stops when its stdin is closed.
func startHTTP(bin string) (string, func()) {
	cmd := exec.Command(bin, "-http", "127.0.0.1:0")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		fatal(err.Error())
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		fatal(fmt.Sprintf("%s: %v", bin, err))
	}
	go io.Copy(io.Discard, stdout)
	return strings.TrimSpace(line), func() { stdin.Close(); cmd.Wait() }
}

func build(dir, out, pkg string) {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		fatal(fmt.Sprintf("building %s: %v\n%s", pkg, err, b))
	}
}

// nodeEnv finds Node and the node_modules holding the TS SDK, from the
// environment `make bench` sets or from ../.cache/tools.env.
func nodeEnv() (node, modules string) {
	node, modules = os.Getenv("MCPRUN_NODE"), os.Getenv("MCPRUN_NODE_MODULES")
	if node != "" && modules != "" {
		return node, modules
	}
	f, err := os.Open("../.cache/tools.env")
	if err != nil {
		return "", ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch k {
		case "MCPRUN_NODE":
			node = v
		case "MCPRUN_NODE_MODULES":
			modules = v
		}
	}
	return node, modules
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "compare:", msg)
	os.Exit(1)
}
