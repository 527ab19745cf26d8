// Command client is one MCP client of the side-by-side benchmark (see
// ../compare), run in a process of its own: it connects to a server, warms
// up, then makes echo tool calls from -c goroutines for -dur and prints one
// JSON line: calls, calls/s, p50/p99 latency, CPU (user+system, the whole
// process) and bytes allocated per call.
//
//	client -impl mcprun|gosdk|mcpgo|raw (-stdio "cmd args" | -url URL) [-c 8] [-dur 1s]
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	mcpgoclient "github.com/mark3labs/mcp-go/client"
	mcpgo "github.com/mark3labs/mcp-go/mcp"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
)

// A caller makes one echo call.
type caller func(ctx context.Context) error

func main() {
	impl := flag.String("impl", "mcprun", "mcprun, gosdk, mcpgo or raw")
	stdio := flag.String("stdio", "", "the server's command line (stdio)")
	url := flag.String("url", "", "the server's Streamable HTTP endpoint")
	conc := flag.Int("c", 1, "concurrent callers")
	dur := flag.Duration("dur", time.Second, "how long to measure")
	warm := flag.Int("warmup", 300, "calls before measuring")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured calls to this file")
	flag.Parse()
	ctx := context.Background()
	call, closeFn, err := connect(ctx, *impl, *stdio, *url, *conc)
	if err != nil {
		fail(err)
	}
	for range *warm {
		if err := call(ctx); err != nil {
			fail(fmt.Errorf("warm-up: %w", err))
		}
	}
	runtime.GC()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer f.Close()
	}
	cpu0 := cpuTime()
	start := time.Now()
	deadline := start.Add(*dur)
	lat := make([][]time.Duration, *conc)
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for i := range *conc {
		wg.Go(func() {
			l := make([]time.Duration, 0, 1<<16)
			for {
				t0 := time.Now()
				if t0.After(deadline) {
					break
				}
				if err := call(ctx); err != nil {
					errOnce.Do(func() { firstErr = err })
					break
				}
				l = append(l, time.Since(t0))
			}
			lat[i] = l
		})
	}
	wg.Wait()
	pprof.StopCPUProfile()
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&ms1)
	if firstErr != nil {
		fail(firstErr)
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	n := len(all)
	if n == 0 {
		fail(errors.New("no call completed"))
	}
	out := map[string]any{
		"impl":            *impl,
		"calls":           n,
		"calls_per_s":     float64(n) / elapsed.Seconds(),
		"p50_us":          float64(all[n/2].Nanoseconds()) / 1e3,
		"p99_us":          float64(all[n*99/100].Nanoseconds()) / 1e3,
		"cpu_us_per_call": float64(cpu.Nanoseconds()) / 1e3 / float64(n),
		"bytes_per_call":  float64(ms1.TotalAlloc-ms0.TotalAlloc) / float64(n),
	}
	closeFn()
	_ = json.NewEncoder(os.Stdout).Encode(out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "client:", err)
	os.Exit(1)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var echoArgs = json.RawMessage(`{"text":"hello"}`)

func connect(ctx context.Context, impl, stdio, url string, conc int) (caller, func(), error) {
	var argv []string
	if stdio != "" {
		argv = strings.Fields(stdio)
	}
	switch impl {
	case "mcprun":
		var c *mcpclient.Client
		var err error
		if argv != nil {
			c, err = mcpclient.NewStdio(argv[0], argv[1:], mcpclient.WithName("bench"))
		} else {
			c, err = mcpclient.NewHTTP(url, mcpclient.WithHTTPTransport(mcpclient.Streamable), mcpclient.WithName("bench"))
		}
		if err != nil {
			return nil, nil, err
		}
		if err := c.Connect(ctx); err != nil {
			return nil, nil, err
		}
		return func(ctx context.Context) error {
			res, err := c.CallTool(ctx, "echo", echoArgs)
			if err == nil && res.Text != "hello" {
				err = fmt.Errorf("echo: %+v", res)
			}
			return err
		}, func() { c.Close() }, nil
	case "gosdk":
		var t mcp.Transport
		if argv != nil {
			t = &mcp.CommandTransport{Command: exec.Command(argv[0], argv[1:]...)}
		} else {
			t = &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: pooled(conc)}}
		}
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, nil).Connect(ctx, t, nil)
		if err != nil {
			return nil, nil, err
		}
		return func(ctx context.Context) error {
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: echoArgs})
			if err == nil && res.IsError {
				err = fmt.Errorf("echo: %+v", res)
			}
			return err
		}, func() { cs.Close() }, nil
	case "mcpgo":
		var c *mcpgoclient.Client
		var err error
		if argv != nil {
			c, err = mcpgoclient.NewStdioMCPClient(argv[0], nil, argv[1:]...)
		} else {
			c, err = mcpgoclient.NewStreamableHttpClient(url)
			if err == nil {
				err = c.Start(ctx)
			}
		}
		if err != nil {
			return nil, nil, err
		}
		init := mcpgo.InitializeRequest{}
		init.Params.ProtocolVersion = "2025-06-18"
		init.Params.ClientInfo = mcpgo.Implementation{Name: "bench", Version: "1"}
		if _, err := c.Initialize(ctx, init); err != nil {
			return nil, nil, err
		}
		return func(ctx context.Context) error {
			req := mcpgo.CallToolRequest{}
			req.Params.Name = "echo"
			req.Params.Arguments = map[string]any{"text": "hello"}
			res, err := c.CallTool(ctx, req)
			if err == nil && res.IsError {
				err = fmt.Errorf("echo: %+v", res)
			}
			return err
		}, func() { c.Close() }, nil
	case "raw":
		if argv != nil {
			return rawStdio(argv)
		}
		return rawHTTP(ctx, url, conc)
	}
	return nil, nil, fmt.Errorf("unknown -impl %q", impl)
}

func pooled(conc int) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = max(conc, 2)
	return t
}

// rawStdio is the floor: a hand-written JSON-RPC loop over the pipes, one
// write per request, one reading goroutine handing each answer to its
// caller by id.
func rawStdio(argv []string) (caller, func(), error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	r := bufio.NewReaderSize(stdout, 64<<10)
	var wmu sync.Mutex
	var pmu sync.Mutex
	pending := map[int64]chan []byte{}
	var next int64
	write := func(s string) error {
		wmu.Lock()
		defer wmu.Unlock()
		_, err := io.WriteString(stdin, s)
		return err
	}
	readOne := func() ([]byte, error) { return r.ReadBytes('\n') }
	// Handshake, in line.
	if err := write(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}` + "\n"); err != nil {
		return nil, nil, err
	}
	if _, err := readOne(); err != nil {
		return nil, nil, err
	}
	if err := write(`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n"); err != nil {
		return nil, nil, err
	}
	go func() {
		var msg struct {
			ID *int64 `json:"id"`
		}
		for {
			line, err := readOne()
			if err != nil {
				pmu.Lock()
				for id, ch := range pending {
					close(ch)
					delete(pending, id)
				}
				pmu.Unlock()
				return
			}
			msg.ID = nil
			if json.Unmarshal(line, &msg) != nil || msg.ID == nil {
				continue
			}
			pmu.Lock()
			ch := pending[*msg.ID]
			delete(pending, *msg.ID)
			pmu.Unlock()
			if ch != nil {
				ch <- line
			}
		}
	}()
	call := func(ctx context.Context) error {
		ch := make(chan []byte, 1)
		pmu.Lock()
		next++
		id := next
		pending[id] = ch
		pmu.Unlock()
		if err := write(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}`+"\n", id)); err != nil {
			return err
		}
		line, ok := <-ch
		if !ok {
			return io.ErrUnexpectedEOF
		}
		if !bytes.Contains(line, []byte(`"hello"`)) {
			return fmt.Errorf("answer %s", line)
		}
		return nil
	}
	return call, func() { stdin.Close(); cmd.Wait() }, nil
}

// rawHTTP is the floor over Streamable HTTP: one POST per call through
// net/http, the answer read as JSON or as the data of an SSE event.
func rawHTTP(ctx context.Context, url string, conc int) (caller, func(), error) {
	hc := &http.Client{Transport: pooled(conc)}
	var session string
	post := func(ctx context.Context, body string) ([]byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
		}
		resp, err := hc.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode >= 300 {
			return nil, fmt.Errorf("%s: %s", resp.Status, data)
		}
		if s := resp.Header.Get("Mcp-Session-Id"); s != "" {
			session = s
		}
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			for line := range bytes.Lines(data) {
				if d, ok := bytes.CutPrefix(line, []byte("data: ")); ok {
					return d, nil
				}
			}
		}
		return data, nil
	}
	if _, err := post(ctx, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`); err != nil {
		return nil, nil, err
	}
	if _, err := post(ctx, `{"jsonrpc":"2.0","method":"notifications/initialized"}`); err != nil {
		return nil, nil, err
	}
	var next atomic.Int64
	call := func(ctx context.Context) error {
		id := strconv.FormatInt(next.Add(1), 10)
		data, err := post(ctx, `{"jsonrpc":"2.0","id":`+id+`,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}`)
		if err == nil && !bytes.Contains(data, []byte(`"hello"`)) {
			err = fmt.Errorf("answer %s", data)
		}
		return err
	}
	return call, func() { hc.CloseIdleConnections() }, nil
}
