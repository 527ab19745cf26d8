package mcpclient

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Concurrent calls over Streamable HTTP keep their connections: a second
// wave of 8 callers reuses the first wave's (Go's default transport keeps
// 2 per host and opens the others again for every call). The server answers
// with JSON, not an event stream: the client reads a JSON answer to its end,
// so its connection is always reusable, whereas an event stream it stops
// reading early is closed or not depending on timing (under load the count
// moved from a few to 16 and the test failed).
func TestHTTPKeepsConnectionsForConcurrentCalls(t *testing.T) {
	noLeaks(t)
	srv := newGoServer()
	var opened atomic.Int32
	ts := httptest.NewUnstartedServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, &mcp.StreamableHTTPOptions{JSONResponse: true}))
	ts.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			opened.Add(1)
		}
	}
	ts.Start()
	defer ts.Close()
	c := must(NewHTTP(ts.URL, WithHTTPTransport(Streamable)))
	defer c.Close()
	ctx := ctxT(t)
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	wave := func() {
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 20 {
					if res, err := c.CallTool(ctx, "echo", json.RawMessage(`{"text":"x"}`)); err != nil || res.Text != "x" {
						t.Errorf("echo: %+v, %v", res, err)
						return
					}
				}
			})
		}
		wg.Wait()
	}
	wave()
	first := opened.Load()
	wave()
	// 160 calls: with Go's default 2 idle connections per host it opens
	// dozens; kept, none (a margin of 2 for a connection the server or the
	// go-sdk drops).
	if again := opened.Load() - first; again > 2 {
		t.Errorf("the second wave of 8 concurrent callers opened %d new connections (the first: %d)", again, first)
	}
	c.Close()
}
