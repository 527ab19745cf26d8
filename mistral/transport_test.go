package mistral

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Many requests at once, twice: the second wave reuses the first wave's
// connections (Go's default transport would keep 2 and open the rest
// again).
func TestIdleConnectionsKeptForConcurrentRuns(t *testing.T) {
	var opened atomic.Int32
	var inflight sync.WaitGroup
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond) // all of a wave at once
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"conversation_id":"c","outputs":[],"usage":{}}`))
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			opened.Add(1)
		}
	}
	s.Start()
	defer s.Close()
	for _, tc := range []struct {
		opts     []Option
		reuseAll bool
	}{
		{nil, true},
		{[]Option{WithMaxIdleConns(2)}, false},
	} {
		c, err := NewClient(append([]Option{WithServerURL(s.URL), WithAPIKey("k")}, tc.opts...)...)
		if err != nil {
			t.Fatal(err)
		}
		wave := func() {
			for range 30 {
				inflight.Go(func() {
					if _, err := c.StartConversation(context.Background(), &ConversationRequest{Model: "m", Inputs: TextInputs("hi")}); err != nil {
						t.Error(err)
					}
				})
			}
			inflight.Wait()
		}
		opened.Store(0)
		wave()
		first := opened.Load()
		wave()
		again := opened.Load() - first
		if tc.reuseAll && again != 0 {
			t.Errorf("default: the second wave of 30 opened %d new connections (first: %d)", again, first)
		}
		if !tc.reuseAll && again < 10 {
			t.Errorf("WithMaxIdleConns(2): the second wave opened only %d new connections: is the option applied?", again)
		}
		c.http.CloseIdleConnections()
	}
}

func TestMaxIdleConnsOptionErrors(t *testing.T) {
	for _, opts := range [][]Option{
		{WithMaxIdleConns(0)},
		{WithMaxIdleConns(8), WithHTTPClient(&http.Client{})},
	} {
		if _, err := NewClient(append([]Option{WithServerURL("http://127.0.0.1:1"), WithAPIKey("k")}, opts...)...); err == nil || !strings.Contains(err.Error(), "WithMaxIdleConns") {
			t.Errorf("%d options: %v", len(opts), err)
		}
	}
}
