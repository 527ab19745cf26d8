package mcpclient

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// otherOrigin listens on 127.0.0.2 (another loopback address: another
// origin) and records whatever reaches it.
type otherOrigin struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []string
}

func newOtherOrigin(t *testing.T) *otherOrigin {
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("listening on 127.0.0.2: %v", err)
	}
	o := &otherOrigin{}
	o.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.mu.Lock()
		o.got = append(o.got, r.Method+" "+r.URL.Path+" auth="+r.Header.Get("Authorization")+" key="+r.Header.Get("X-Api-Key"))
		o.mu.Unlock()
		http.Error(w, "nothing here", http.StatusNotFound)
	}))
	o.srv.Listener.Close()
	o.srv.Listener = ln
	o.srv.Start()
	t.Cleanup(o.srv.Close)
	return o
}

func (o *otherOrigin) requests() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.got...)
}

var credentials = map[string]string{"Authorization": "Bearer ghp-the-pat", "X-Api-Key": "the-api-key"}

// A server that redirects (307) to another origin gets no credential sent
// there: not the static headers, on either transport.
func TestRedirectToOtherOriginGetsNoCredential(t *testing.T) {
	noLeaks(t)
	other := newOtherOrigin(t)
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.srv.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	for _, tr := range []HTTPTransport{Streamable, SSE, Auto} {
		c := must(NewHTTP(redirect.URL+"/mcp", WithHTTPTransport(tr), WithHeaders(credentials), WithReconnect(0)))
		err := c.Connect(ctxT(t))
		c.Close()
		if !errors.Is(err, ErrOtherOrigin) {
			t.Errorf("%v: Connect = %v, want ErrOtherOrigin", tr, err)
		}
	}
	if got := other.requests(); len(got) > 0 {
		t.Errorf("the other origin received %q", got)
	}
}

// An SSE server whose endpoint event names another origin: the messages
// (and credentials) are not posted there.
func TestSSEEndpointOnOtherOriginRefused(t *testing.T) {
	noLeaks(t)
	other := newOtherOrigin(t)
	sse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("event: endpoint\ndata: " + other.srv.URL + "/messages?s=1\n\n"))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer sse.Close()
	defer sse.CloseClientConnections()
	c := must(NewHTTP(sse.URL, WithHTTPTransport(SSE), WithHeaders(credentials), WithReconnect(0), WithConnectTimeout(5*time.Second)))
	err := c.Connect(ctxT(t))
	c.Close()
	// The go-sdk's SSE client reports the refused POST as a closed
	// connection (or quotes it, depending on timing); Connect adds the
	// reason back either way.
	if !errors.Is(err, ErrOtherOrigin) {
		t.Errorf("Connect = %v, want the other origin refused", err)
	}
	if got := other.requests(); len(got) > 0 {
		t.Errorf("the other origin received %q", got)
	}
}

// hangingGET serves MCP over Streamable HTTP but never answers the
// standalone GET.
func hangingGET(t *testing.T) *httptest.Server {
	srv := newGoServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			<-r.Context().Done()
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { ts.CloseClientConnections(); ts.Close() })
	return ts
}

// A server that never answers the standalone GET: the connect timeout
// still holds (the server is taken to offer no such stream), and the
// caller's cancellation (Ctrl-C) ends the connect.
func TestStandaloneGETBounded(t *testing.T) {
	noLeaks(t)
	ts := hangingGET(t)
	c := must(NewHTTP(ts.URL, WithHTTPTransport(Streamable), WithConnectTimeout(500*time.Millisecond)))
	err := c.Connect(ctxT(t))
	if err != nil {
		t.Fatalf("Connect with a silent standalone GET: %v", err)
	}
	if _, err := c.Tools(ctxT(t)); err != nil {
		t.Errorf("Tools after a silent standalone GET: %v", err)
	}
	c.Close()

	c = must(NewHTTP(ts.URL, WithHTTPTransport(Streamable), WithConnectTimeout(0)))
	defer c.Close()
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel) // Ctrl-C
	done := make(chan error, 1)
	go func() { done <- c.Connect(ctx) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "cancel") {
			t.Errorf("Connect after cancel = %v, want the cancellation", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Connect ignored its context while the standalone GET hung")
	}
}
