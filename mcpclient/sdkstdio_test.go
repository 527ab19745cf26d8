package mcpclient

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// WithSDKStdio selects the go-sdk's CommandTransport: unlike ours, it does
// not skip a line that is not JSON-RPC (a server's stray print).
func TestStdioSDKTransportSelectable(t *testing.T) {
	ours(t)
	noLeaks(t)
	c := fastServer(t, "noisy")
	if err := c.Connect(ctxT(t)); err != nil {
		t.Fatalf("our transport: %v", err)
	}
	c.Close()
	c = fastServer(t, "noisy", WithSDKStdio(), WithReconnect(0))
	if err := c.Connect(ctxT(t)); err == nil || !strings.Contains(err.Error(), "invalid character") {
		t.Fatalf("WithSDKStdio: connect to a server printing noise: %v; want the go-sdk's decoding error", err)
	}
	c.Close()
	c = fastServer(t, "", WithSDKStdio())
	if err := c.Connect(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if res, err := echo(t, c, "sdk"); err != nil || res.Text != "sdk" {
		t.Fatalf("WithSDKStdio: echo: %+v, %v", res, err)
	}
	c.Close()
	if _, err := NewHTTP("http://127.0.0.1:1/mcp", WithSDKStdio()); err == nil || !strings.Contains(err.Error(), "WithSDKStdio") {
		t.Errorf("WithSDKStdio on an HTTP client: %v", err)
	}
}

// Over the go-sdk's transport too, a connection that breaks under a call
// fails that call with ErrConnectionLost, saying why, and the next call
// gets a new server: an answer over the go-sdk's 16 MiB line bound (which
// it fails with an error of its own that nothing can match), a server
// dying mid-message, a server that stopped reading.
func TestStdioSDKTransportConnectionLost(t *testing.T) {
	for _, c := range []struct{ mode, why string }{
		{"longline=17000000", "maximum line length"},
		{"midmessage", "connection to the server lost"},
		{"closestdin", "broken pipe"},
	} {
		t.Run(c.mode, func(t *testing.T) {
			noLeaks(t)
			cl := fastServer(t, c.mode, WithSDKStdio(), WithReconnect(0), WithTerminateTimeout(100*time.Millisecond))
			if err := cl.Connect(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			if _, err := cl.Tools(ctxT(t)); err != nil {
				t.Fatal(err)
			}
			_, err := echo(t, cl, "one")
			if !errors.Is(err, ErrConnectionLost) || !strings.Contains(err.Error(), c.why) {
				t.Fatalf("first call: %v; want ErrConnectionLost saying %q", err, c.why)
			}
			if res, err := echo(t, cl, "two"); err != nil || res.Text != "two" {
				t.Fatalf("next call: %+v, %v", res, err)
			}
			cl.Close()
		})
	}
}
