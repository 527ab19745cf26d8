// Command fakeapi serves mistraltest in a process of its own, so that
// benchmarks of the client side measure only the client: the fake API keeps
// every request it gets, and in the measured process that would count as
// the client's memory and garbage.
//
// It prints its URL on the first line of stdout and serves until stdin is
// closed.
//
//	fakeapi -script weather [-key city] [-tool get_weather]   a get_weather call, then the tool's result as the answer
//	fakeapi -script stream -deltas 40000   one answer of that many one-character deltas
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mcprun/mcprun/mistraltest"
)

func main() {
	script := flag.String("script", "weather", "weather or stream")
	deltas := flag.Int("deltas", 40000, "stream: how many deltas")
	key := flag.String("key", "city", "weather: the name of get_weather's argument")
	tool := flag.String("tool", "get_weather", "weather: the tool to call")
	flag.Parse()

	var s *mistraltest.Server
	switch *script {
	case "weather":
		s = mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
			if res, ok := t.ResultOf(*tool); ok {
				return mistraltest.Respond(mistraltest.Text(res)), nil
			}
			return mistraltest.Respond(mistraltest.Call(*tool, map[string]string{*key: "Paris"})), nil
		}, mistraltest.WithoutAuth())
	case "stream":
		text := strings.Repeat("x", *deltas)
		s = mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
			return mistraltest.Respond(mistraltest.Text(text)), nil
		}, mistraltest.WithoutAuth(), mistraltest.WithDeltaSize(1))
	default:
		fmt.Fprintln(os.Stderr, "fakeapi: unknown script", *script)
		os.Exit(2)
	}
	defer s.Close()
	fmt.Println(s.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
}
