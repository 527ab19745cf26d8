package mcpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// ErrOtherOrigin is matched by a request the client refused to send to
// another origin than its server's (scheme, host and port): an SSE
// endpoint event or a redirect pointing elsewhere. Static headers and
// OAuth bearer tokens are credentials for the server's origin only.
var ErrOtherOrigin = errors.New("mcpclient: request to another origin refused")

// originOf returns scheme://host of u, the unit credentials belong to.
func originOf(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}

// checkOrigin refuses req unless it goes to origin.
func checkOrigin(origin string, req *http.Request) error {
	if origin == "" || originOf(req.URL) == origin {
		return nil
	}
	return fmt.Errorf("%w: %s is not on %s (its SSE endpoint or a redirect points elsewhere; credentials are not sent there)", ErrOtherOrigin, req.URL.Redacted(), origin)
}

// refuseOtherOrigins is an http.Client's CheckRedirect: a redirect is
// followed on the server's origin only. (The transport refuses other
// origins too; failing here says why before any request is made.)
func refuseOtherOrigins(origin string, inner func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if err := checkOrigin(origin, req); err != nil {
			return err
		}
		if inner != nil {
			return inner(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// standaloneGET bounds the Streamable HTTP transport's standalone GET (the
// event stream a server may push on): the go-sdk sends it during the
// connect, with a context that neither the connect timeout nor the
// caller's cancellation (Ctrl-C) reaches, so a server that never answers
// it would hang the connect forever. Until its headers arrive it ends when
// the connect being made ends (the caller's context), when the client
// closes, or after wait; a server silent for wait is taken to offer no
// such stream (405, as the specification lets it answer).
type standaloneGET struct {
	dialing *atomic.Pointer[context.Context] // the connect in progress, if any
	life    context.Context                  // the client's: ends on Close
	wait    time.Duration
}

// standaloneWait is how long the standalone GET may go unanswered: half
// the connect timeout (the rest is the connect's own), at most 10 s.
func standaloneWait(connectTimeout time.Duration) time.Duration {
	if connectTimeout <= 0 || connectTimeout/2 > 10*time.Second {
		return 10 * time.Second
	}
	return connectTimeout / 2
}

func (g *standaloneGET) roundTrip(next http.RoundTripper, req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	var gaveUp atomic.Bool // the wait or the connect ended, not the request
	giveUp := func() { gaveUp.Store(true); cancel() }
	stops := []func() bool{context.AfterFunc(g.life, cancel)}
	if d := g.dialing.Load(); d != nil {
		stops = append(stops, context.AfterFunc(*d, giveUp))
	}
	t := time.AfterFunc(g.wait, giveUp)
	stops = append(stops, t.Stop)
	resp, err := next.RoundTrip(req.WithContext(ctx))
	for _, stop := range stops {
		stop()
	}
	if err != nil {
		cancel()
		// As if the server had no standalone stream: the go-sdk would
		// otherwise retry, with backoff, on a context nothing ends. The
		// connect then ends by its own context.
		if gaveUp.Load() && req.Context().Err() == nil && g.life.Err() == nil && req.Header.Get("Last-Event-ID") == "" {
			return &http.Response{
				Status: "405 Method Not Allowed (no answer)", StatusCode: http.StatusMethodNotAllowed,
				Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: http.Header{}, Body: http.NoBody, Request: req,
			}, nil
		}
		return nil, err
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelBody releases a request's context when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
