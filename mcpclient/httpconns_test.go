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
// 2 per host and opens the others again for every call).
func TestHTTPKeepsConnectionsForConcurrentCalls(t *testing.T) {
	noLeaks(t)
	srv := newGoServer()
	var opened atomic.Int32
	ts := httptest.NewUnstartedServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil))
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
	// 160 calls: without idle connections kept it opens about 25; the
	// go-sdk itself opens a few (event streams it does not read to the
	// end), hence a margin.
	if again := opened.Load() - first; again >= 16 {
		t.Errorf("the second wave of 8 concurrent callers opened %d new connections (the first: %d)", again, first)
	}
	c.Close()
}
