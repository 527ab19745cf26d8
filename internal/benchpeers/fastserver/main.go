// Command fastserver is a hand-written MCP server over stdio (newline
// delimited JSON-RPC, one loop, no SDK): its own cost per call is a few
// microseconds, so that what a benchmark against it measures is the
// client's. It lists one tool, echo, which returns its "text" argument.
// With -http ADDR it serves the same over Streamable HTTP (JSON answers,
// no SSE), on ADDR's /mcp, printing its URL on the first line of stdout,
// until its stdin is closed.
//
// Modes, for the stdio transport's tests (-mode; each misbehaves only
// while the file given with -once does not exist, and creates it, so that
// the server started again by the client's supervisor behaves):
//
//	noisy        a line that is not JSON-RPC before every answer, and blank lines
//	midmessage   answers the first tools/call with half a message, then exits
//	closestdin   closes its stdin after listing its tools, and stays up
//	longline=N   answers the first tools/call with a line of N bytes
//	crashlist=N  exits on tools/list, the first N times (counted in the
//	             -once file)
//	crash=N      exits on its Nth tools/call without answering it, every
//	             time (no -once): the client's restarted server crashes
//	             again N calls later (the load benchmark of run)
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

type request struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Params struct {
		Name      string `json:"name"`
		Arguments struct {
			Text json.RawMessage `json:"text"`
		} `json:"arguments"`
	} `json:"params"`
}

func main() {
	mode := flag.String("mode", "", "how to misbehave (see the package doc)")
	once := flag.String("once", "", "misbehave only if this file does not exist, and create it")
	httpAddr := flag.String("http", "", "serve Streamable HTTP on this address instead of stdio")
	flag.Parse()
	if *httpAddr != "" {
		serveHTTP(*httpAddr)
		return
	}
	if name, arg, _ := strings.Cut(*mode, "="); name == "crashlist" {
		n, _ := strconv.Atoi(arg)
		done, _ := os.ReadFile(*once)
		if len(done) >= n {
			*mode = ""
		} else {
			_ = os.WriteFile(*once, append(done, 'x'), 0o600)
		}
		*once = ""
	}
	if *once != "" {
		if _, err := os.Stat(*once); err == nil {
			*mode = ""
		} else {
			_ = os.WriteFile(*once, nil, 0o600)
		}
	}
	name, arg, _ := strings.Cut(*mode, "=")

	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64<<10), 64<<20)
	out := bufio.NewWriterSize(os.Stdout, 64<<10)
	calls := 0
	var req request
	for in.Scan() {
		req = request{}
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fmt.Fprintln(os.Stderr, "fastserver: bad request:", err)
			continue
		}
		if len(req.ID) == 0 {
			continue // a notification
		}
		id := string(req.ID)
		if name == "noisy" {
			out.WriteString("npm WARN this is not JSON\n\n   \n")
		}
		switch {
		case req.Method == "tools/list" && name == "closestdin":
			// Reads nothing more, from before the answer: the client's
			// next write fails.
			os.Stdin.Close()
			out.WriteString(answer(&req) + "\n")
			out.Flush()
			time.Sleep(time.Hour)
		case req.Method == "tools/list" && name == "crashlist":
			os.Exit(3)
		case req.Method == "tools/call":
			calls++
			switch {
			case name == "midmessage" && calls == 1:
				out.WriteString(`{"jsonrpc":"2.0","id":` + id + `,"result":{"content":[{"type":"te`)
				out.Flush()
				os.Exit(0)
			case name == "crash" && strconv.Itoa(calls) == arg:
				out.Flush()
				os.Exit(3)
			case name == "longline" && calls == 1:
				n, _ := strconv.Atoi(arg)
				out.WriteString(`{"jsonrpc":"2.0","id":` + id + `,"result":{"content":[{"type":"text","text":"` + strings.Repeat("x", n) + `"}]}}` + "\n")
				out.Flush()
				continue
			}
		}
		out.WriteString(answer(&req))
		out.WriteByte('\n')
		out.Flush()
	}
}

// answer is the answer to a request that has an id.
func answer(req *request) string {
	id := string(req.ID)
	switch req.Method {
	case "initialize":
		return `{"jsonrpc":"2.0","id":` + id + `,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"fastserver","version":"1.0.0"}}}`
	case "tools/list":
		return `{"jsonrpc":"2.0","id":` + id + `,"result":{"tools":[{"name":"echo","description":"echoes text","inputSchema":{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}}]}}`
	case "tools/call":
		text := string(req.Params.Arguments.Text)
		if text == "" {
			text = `""`
		}
		return `{"jsonrpc":"2.0","id":` + id + `,"result":{"content":[{"type":"text","text":` + text + `}]}}`
	case "ping":
		return `{"jsonrpc":"2.0","id":` + id + `,"result":{}}`
	}
	return `{"jsonrpc":"2.0","id":` + id + `,"error":{"code":-32601,"message":"method not found"}}`
}

// serveHTTP serves the same answers over Streamable HTTP, as JSON.
func serveHTTP(addr string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fastserver:", err)
		os.Exit(1)
	}
	fmt.Printf("http://%s/mcp\n", ln.Addr())
	go func() {
		// Serves until stdin is closed: the benchmark that started it ends.
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
		case http.MethodDelete:
			return
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(r.Body)
		var req request
		if err == nil {
			err = json.Unmarshal(body, &req)
		}
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if len(req.ID) == 0 {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		if req.Method == "initialize" {
			w.Header().Set("Mcp-Session-Id", "fast")
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer(&req))
	})
	_ = http.Serve(ln, h)
}
