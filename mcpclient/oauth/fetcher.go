package oauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"

	"github.com/mcprun/mcprun/internal/loopback"
)

// ErrCallback is matched by errors from a callback that carried an OAuth
// error, no code, or the wrong state.
var ErrCallback = errors.New("oauth: bad authorization callback")

// parseCallback turns the query of a redirect to the callback into the go-sdk's
// result, failing on an error parameter or a missing code.
func parseCallback(q url.Values) (*auth.AuthorizationResult, error) {
	if e := q.Get("error"); e != "" {
		msg := e
		if d := q.Get("error_description"); d != "" {
			msg += ": " + d
		}
		return nil, stepErr("callback", fmt.Errorf("%w: authorization server answered %s", ErrCallback, redact(msg)))
	}
	if q.Get("code") == "" {
		return nil, stepErr("callback", fmt.Errorf("%w: no code", ErrCallback))
	}
	return &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}, nil
}

// RedirectFollower is a code fetcher for tests and authorization servers that
// approve without a user: it GETs the authorization URL and follows redirects
// (up to 10) until one points at the redirect URI, and reads the code from it
// instead of opening a browser. It never requests the redirect URI itself.
type RedirectFollower struct {
	// Client makes the requests (default: a new client without cookies).
	// Its CheckRedirect is replaced.
	Client *http.Client
}

// Fetch implements auth.AuthorizationCodeFetcher.
func (f *RedirectFollower) Fetch(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
	c := &http.Client{}
	if f != nil && f.Client != nil {
		cc := *f.Client //nolint:govet // copying the config, not a lock
		c = &cc
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	au, err := url.Parse(args.URL)
	if err != nil {
		return nil, stepErr("authorize", errors.New("bad authorization URL"))
	}
	redirect, err := url.Parse(au.Query().Get("redirect_uri"))
	if err != nil || redirect.Host == "" {
		return nil, stepErr("authorize", errors.New("authorization URL has no redirect_uri"))
	}
	next := au
	for range 10 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, next.String(), nil)
		if err != nil {
			return nil, stepErr("authorize", err)
		}
		resp, err := c.Do(req)
		if err != nil {
			return nil, stepErr("authorize", err)
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		resp.Body.Close()
		loc := resp.Header.Get("Location")
		if loc == "" {
			return nil, stepErr("authorize", fmt.Errorf("authorization endpoint answered %s without a redirect", resp.Status))
		}
		u, err := next.Parse(loc)
		if err != nil {
			return nil, stepErr("authorize", errors.New("bad redirect location"))
		}
		if u.Scheme == redirect.Scheme && u.Host == redirect.Host && u.Path == redirect.Path {
			return parseCallback(u.Query())
		}
		next = u
	}
	return nil, stepErr("authorize", errors.New("too many redirects before the callback"))
}

// LoopbackFetcher receives the authorization callback on a loopback address
// (by default 127.0.0.1 at a random port), path /callback. Create it with
// [NewLoopbackFetcher], give [LoopbackFetcher.RedirectURL] to [NewHandler] as
// its redirectURL and [LoopbackFetcher.Fetch] as its fetcher. The
// listener is open only while a Fetch waits: it closes after one callback
// (good or bad), on ctx cancel, or on Close; a later Fetch (a new login)
// listens again on the same port, so the registered redirect URI stays valid.
type LoopbackFetcher struct {
	addr string
	open func(ctx context.Context, url string) error

	mu     sync.Mutex
	ln     net.Listener
	srv    *http.Server
	closed bool
	busy   bool
	state  string
	result chan callbackResult
}

type callbackResult struct {
	res *auth.AuthorizationResult
	err error
}

// NewLoopbackFetcher reserves 127.0.0.1 at a random port. openBrowser is
// called with the authorization URL (the CLI passes one that opens a
// browser); nil only waits, for callers that print the URL themselves.
func NewLoopbackFetcher(openBrowser func(ctx context.Context, url string) error) (*LoopbackFetcher, error) {
	return NewLoopbackFetcherOn("127.0.0.1:0", openBrowser)
}

// NewLoopbackFetcherOn is [NewLoopbackFetcher] on a given loopback address,
// e.g. the port of a stored registration's redirect URI.
func NewLoopbackFetcherOn(addr string, openBrowser func(ctx context.Context, url string) error) (*LoopbackFetcher, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !loopback.Host(host) {
		return nil, fmt.Errorf("oauth: callback address %q is not a loopback address", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("oauth: loopback callback listener: %w", err)
	}
	f := &LoopbackFetcher{addr: ln.Addr().String(), open: openBrowser}
	// Keep the port reserved until the first Fetch.
	f.ln = ln
	return f, nil
}

// RedirectURL returns http://127.0.0.1:PORT/callback.
func (f *LoopbackFetcher) RedirectURL() string {
	return "http://" + f.addr + "/callback"
}

// Close stops the listener; a later Fetch fails. It is safe to call more than once.
func (f *LoopbackFetcher) Close() error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.stop()
	return nil
}

// stop closes the listener, letting a response being written finish.
func (f *LoopbackFetcher) stop() {
	f.mu.Lock()
	ln, srv := f.ln, f.srv
	f.ln, f.srv = nil, nil
	f.mu.Unlock()
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if srv.Shutdown(ctx) != nil {
			_ = srv.Close()
		}
	} else if ln != nil {
		_ = ln.Close()
	}
}

// start serves the callback, listening again if needed.
func (f *LoopbackFetcher) start(state string) (chan callbackResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, errors.New("loopback fetcher closed")
	}
	if f.busy {
		return nil, errors.New("another authorization is waiting for its callback")
	}
	if f.ln == nil {
		ln, err := net.Listen("tcp", f.addr)
		if err != nil {
			return nil, fmt.Errorf("listening for the callback on %s: %w", f.addr, err)
		}
		f.ln = ln
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /callback", f.callback)
	f.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	f.busy = true
	f.state = state
	f.result = make(chan callbackResult, 1)
	go func(srv *http.Server, ln net.Listener) { _ = srv.Serve(ln) }(f.srv, f.ln)
	return f.result, nil
}

func (f *LoopbackFetcher) callback(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	want, ch := f.state, f.result
	f.mu.Unlock()
	res, err := parseCallback(r.URL.Query())
	if err == nil && (want == "" || subtle.ConstantTimeCompare([]byte(res.State), []byte(want)) != 1) {
		err = stepErr("callback", fmt.Errorf("%w: state mismatch", ErrCallback))
		res = nil
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "<p>Authorization failed: %s. You can close this window.</p>", html.EscapeString(err.Error()))
	} else {
		fmt.Fprint(w, "<p>Authorization complete. You can close this window.</p>")
	}
	if ch != nil {
		select {
		case ch <- callbackResult{res, err}:
		default:
		}
	}
}

// Fetch implements auth.AuthorizationCodeFetcher: it opens the browser at the
// URL and waits for one callback. The state is taken from the URL, so a
// callback with another state is refused here (and the handler checks it
// again).
func (f *LoopbackFetcher) Fetch(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
	u, err := url.Parse(args.URL)
	if err != nil {
		return nil, stepErr("authorize", errors.New("bad authorization URL"))
	}
	ch, err := f.start(u.Query().Get("state"))
	if err != nil {
		return nil, stepErr("callback", err)
	}
	defer func() {
		f.stop()
		f.mu.Lock()
		f.busy, f.state, f.result = false, "", nil
		f.mu.Unlock()
	}()
	if f.open != nil {
		if err := f.open(ctx, args.URL); err != nil {
			return nil, stepErr("authorize", fmt.Errorf("opening browser: %w", err))
		}
	}
	select {
	case r := <-ch:
		return r.res, r.err
	case <-ctx.Done():
		return nil, stepErr("callback", ctx.Err())
	}
}
