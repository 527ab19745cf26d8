// Command fastserver is a hand-written MCP server over stdio (newline
// delimited JSON-RPC, one loop, no SDK): its own cost per call is a few
// microseconds, so that what a benchmark against it measures is the
// client's. It lists one tool, echo, which returns its "text" argument.
//
// Modes, for the stdio transport's tests (-mode; each misbehaves only
// while the file given with -once does not exist, and creates it, so that
// the server started again by the client's supervisor behaves):
//
//	noisy        a line that is not JSON-RPC before every answer, and blank lines
//	midmessage   answers the first tools/call with half a message, then exits
//	closestdin   closes its stdin after listing its tools, and stays up
//	longline=N   answers the first tools/call with a line of N bytes
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
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
	flag.Parse()
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
	send := func(parts ...string) {
		for _, p := range parts {
			out.WriteString(p)
		}
		out.WriteByte('\n')
		out.Flush()
	}
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
		switch req.Method {
		case "initialize":
			send(`{"jsonrpc":"2.0","id":`, id, `,"result":{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"fastserver","version":"1.0.0"}}}`)
		case "tools/list":
			if name == "closestdin" {
				// Reads nothing more, from before the answer: the client's
				// next write fails.
				os.Stdin.Close()
			}
			send(`{"jsonrpc":"2.0","id":`, id, `,"result":{"tools":[{"name":"echo","description":"echoes text","inputSchema":{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}}]}}`)
			if name == "closestdin" {
				time.Sleep(time.Hour)
			}
		case "tools/call":
			calls++
			text := string(req.Params.Arguments.Text)
			if text == "" {
				text = `""`
			}
			switch {
			case name == "midmessage" && calls == 1:
				out.WriteString(`{"jsonrpc":"2.0","id":` + id + `,"result":{"content":[{"type":"te`)
				out.Flush()
				os.Exit(0)
			case name == "longline" && calls == 1:
				n, _ := strconv.Atoi(arg)
				send(`{"jsonrpc":"2.0","id":`, id, `,"result":{"content":[{"type":"text","text":"`, strings.Repeat("x", n), `"}]}}`)
				continue
			}
			send(`{"jsonrpc":"2.0","id":`, id, `,"result":{"content":[{"type":"text","text":`, text, `}]}}`)
		case "ping":
			send(`{"jsonrpc":"2.0","id":`, id, `,"result":{}}`)
		default:
			send(`{"jsonrpc":"2.0","id":`, id, `,"error":{"code":-32601,"message":"method not found"}}`)
		}
	}
}
