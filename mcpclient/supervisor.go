package mcpclient

// The connection state machine: Connect, the watcher of a live session,
// the supervisor that reconnects a lost one, how calls get a session
// (acquire, safe) and Close. The client API (client.go, tools.go) uses
// only acquire, safe, callCtx, drop and serverError.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Connect starts the server (stdio) or opens the session (HTTP) and runs
// the initialize handshake, bounded by [WithConnectTimeout]. It is
// idempotent: with a live session it returns nil at once, and concurrent
// calls share one attempt. Cancelling ctx aborts the attempt but never
// kills a server that is already connected.
func (c *Client) Connect(ctx context.Context) error {
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return ErrClosed
		}
		if c.sess != nil {
			c.mu.Unlock()
			return nil
		}
		if ch := c.pending; ch != nil {
			c.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		ch := make(chan struct{})
		c.pending = ch
		c.wg.Add(1) // Close waits for in-flight connects
		c.mu.Unlock()

		err := c.connectNow(ctx)

		c.mu.Lock()
		c.pending = nil
		if err != nil {
			c.lastErr = err
		}
		c.notifyLocked()
		c.mu.Unlock()
		close(ch)
		c.wg.Done()
		return err
	}
}

func (c *Client) connectNow(ctx context.Context) error {
	if d := c.opts.connectTimeout; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, d, fmt.Errorf("no answer within %s (connect timeout)", d))
		defer cancel()
	}
	// Close aborts a connect in progress.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(c.life, func() { cancel(ErrClosed) })
	defer stop()

	c.refused.Store(nil)
	cs, h, err := c.dialer(ctx, c)
	if err != nil {
		h.done()
		if r := c.refused.Swap(nil); r != nil && !errors.Is(err, ErrOtherOrigin) {
			err = fmt.Errorf("%w: %w", *r, err)
		}
		if cause := context.Cause(ctx); cause != nil && ctx.Err() != nil {
			err = fmt.Errorf("%w: %w", cause, err)
			if errors.Is(cause, ErrClosed) {
				return ErrClosed
			}
		}
		return c.serverError("connect", err)
	}
	res := cs.InitializeResult()

	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		_ = cs.Close()
		h.done()
		return ErrClosed
	}
	c.sess = cs
	c.sessHooks = h
	c.connected = true
	c.lastErr = nil
	if res != nil {
		c.info = ServerInfo{Instructions: res.Instructions, ProtocolVersion: res.ProtocolVersion}
		if si := res.ServerInfo; si != nil {
			c.info.Name, c.info.Title, c.info.Version = si.Name, si.Title, si.Version
		}
	}
	c.wg.Add(1)
	go c.watch(cs, h)
	c.mu.Unlock()
	return nil
}

// done runs the cleanup, once: both the watcher and a failed call may.
func (h *hooks) done() {
	if h != nil && h.cleanup != nil {
		h.once.Do(h.cleanup)
	}
}

// watch waits for a session to end. If it ended without Close (the server
// exited, the connection broke), the supervisor takes over.
func (c *Client) watch(cs *mcp.ClientSession, h *hooks) {
	defer c.wg.Done()
	err := cs.Wait()
	c.mu.Lock()
	if c.sess != cs {
		// Close or drop retired it, and they clean up after it (Close
		// only once the go-sdk's graceful stop is over).
		c.mu.Unlock()
		return
	}
	c.sess, c.sessHooks = nil, nil
	settling := make(chan struct{})
	c.settling = settling
	restart := !c.closed && c.opts.reconnect > 0
	c.restarting = restart
	c.mu.Unlock()

	// The connection is gone, but the session still holds what Close
	// releases (the subscriptions/listen stream's context and goroutine).
	_ = cs.Close()
	h.done() // a stdio child's stderr is complete after this
	lost := c.serverError("connection lost", joinLost(err, h))
	c.mu.Lock()
	c.lastErr = lost
	c.settling = nil
	c.notifyLocked()
	c.mu.Unlock()
	close(settling)
	c.opts.logger.Warn("mcp server connection lost", "server", c.name, "error", lost)
	if restart {
		c.supervise()
	}
}

// joinLost says why a session ended. The go-sdk returns a stdio child's
// exit status from Wait when it reaped the child itself.
func joinLost(err error, h *hooks) error {
	var xerr *exec.ExitError
	// The stdio transport knows why it stopped reading or writing.
	if why := h.lost(); why != nil {
		if errors.As(err, &xerr) {
			return fmt.Errorf("%w (server exited: %v)", why, xerr)
		}
		return why
	}
	switch {
	case errors.As(err, &xerr):
		return fmt.Errorf("%w: server exited: %v", ErrConnectionLost, xerr)
	case h != nil && h.stdio:
		return fmt.Errorf("%w: server exited", ErrConnectionLost)
	case err != nil && !errors.Is(err, mcp.ErrConnectionClosed):
		return fmt.Errorf("%w: %v", ErrConnectionLost, err)
	}
	return ErrConnectionLost
}

func (c *Client) lastErrSafe() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastErr
}

// drop retires a session a call found broken (connection closed, HTTP
// session expired) and starts the supervisor. The returned channel is
// closed once the session is closed (a stdio child reaped, so its stderr is
// complete).
func (c *Client) drop(cs *mcp.ClientSession, cause error) <-chan struct{} {
	done := make(chan struct{})
	c.mu.Lock()
	if c.sess != cs || c.closed {
		// The watcher (or Close) got there first.
		settling := c.settling
		c.mu.Unlock()
		if settling != nil {
			return settling
		}
		close(done)
		return done
	}
	c.sess = nil
	h := c.sessHooks
	c.sessHooks = nil
	lost := cause
	if !errors.Is(cause, ErrConnectionLost) {
		lost = fmt.Errorf("%w: %v", ErrConnectionLost, cause)
	}
	c.lastErr = c.serverError("connection lost", lost)
	restart := c.opts.reconnect > 0
	c.restarting = restart
	c.notifyLocked()
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		_ = cs.Close()
		h.done() // a stdio child's stderr complete
		c.mu.Lock()
		if c.sess == nil && c.lastErr != nil {
			c.lastErr = c.serverError("connection lost", lost) // now with all of stderr
		}
		c.mu.Unlock()
		close(done)
		if restart {
			c.supervise()
		}
	}()
	return done
}

// supervise reconnects with exponential backoff, then lists the tools
// again. It runs with restarting set, and clears it.
func (c *Client) supervise() {
	defer func() {
		c.mu.Lock()
		c.restarting = false
		c.notifyLocked()
		c.mu.Unlock()
	}()
	delay := 100 * time.Millisecond
	for attempt := 1; attempt <= c.opts.reconnect; attempt++ {
		t := time.NewTimer(delay)
		select {
		case <-c.life.Done():
			t.Stop()
			return
		case <-t.C:
		}
		delay = min(delay*2, 5*time.Second)
		err := c.Connect(c.life)
		if err == nil {
			c.opts.logger.Info("mcp server reconnected", "server", c.name, "attempt", attempt)
			c.relist()
			return
		}
		if errors.Is(err, ErrClosed) || c.life.Err() != nil {
			return
		}
		c.opts.logger.Warn("mcp server reconnect failed", "server", c.name, "attempt", attempt, "error", err)
	}
}

// notifyLocked wakes everyone waiting for a state change. c.mu is held.
func (c *Client) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// acquire returns the live session, with its transport hooks (nil for a
// session without them), waiting for a restart in progress, or connecting
// again once if the supervisor gave up or is off.
func (c *Client) acquire(ctx context.Context) (*mcp.ClientSession, *hooks, error) {
	tried := false
	for {
		c.mu.Lock()
		switch {
		case c.closed:
			c.mu.Unlock()
			return nil, nil, ErrClosed
		case c.sess != nil:
			cs, h := c.sess, c.sessHooks
			c.mu.Unlock()
			if h != nil && h.dead != nil {
				if dead, why := h.dead(); dead {
					// Its reader or writer failed: the watcher will learn it
					// in a moment, but this call need not fail on it.
					_ = c.drop(cs, why)
					continue
				}
			}
			return cs, h, nil
		case !c.connected:
			last := c.lastErr
			c.mu.Unlock()
			if last != nil { // Connect was called, and failed
				return nil, nil, fmt.Errorf("%w: %w", ErrNotConnected, last)
			}
			return nil, nil, ErrNotConnected
		case c.restarting || c.pending != nil:
			ch := c.changed
			c.mu.Unlock()
			select {
			case <-ch:
			case <-ctx.Done():
				return nil, nil, fmt.Errorf("waiting for mcp server %q to restart: %w (%v)", c.name, ctx.Err(), c.lastErrSafe())
			}
		default:
			last := c.lastErr
			c.mu.Unlock()
			if tried {
				return nil, nil, last
			}
			tried = true
			if err := c.Connect(ctx); err != nil {
				return nil, nil, err
			}
		}
	}
}

// callCtx bounds a request by the call timeout.
// Close cancels it too: the go-sdk's graceful close would otherwise wait
// for a hung call.
func (c *Client) callCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	var cancel context.CancelFunc
	if d := c.opts.callTimeout; d > 0 {
		ctx, cancel = context.WithTimeoutCause(ctx, d, c.timeoutErr)
	} else {
		ctx, cancel = context.WithCancel(ctx)
	}
	stop := context.AfterFunc(c.life, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

// isConnErr reports whether err means the session is unusable.
func isConnErr(err error) bool {
	// A stdio server that exits mid-call shows up as EOF on its stdout, or
	// as a broken pipe (EPIPE) or closed file when the request is written
	// after it died.
	return errors.Is(err, mcp.ErrConnectionClosed) || errors.Is(err, mcp.ErrSessionMissing) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, ErrConnectionLost) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) || errors.Is(err, net.ErrClosed)
}

// lostConn reports whether err, from a request on the session with hooks h,
// means the session is unusable: an error that says so, or any error but a
// JSON-RPC one (the server's answer) once the session's transport knows its
// connection failed (a failure it records before the go-sdk fails the calls
// in flight with it).
func lostConn(h *hooks, err error) bool {
	var rpcErr *jsonrpc.Error
	switch {
	case errors.As(err, &rpcErr):
		return false
	case isConnErr(err):
		return true
	}
	return h.lost() != nil
}

// safeAttempts bounds the sessions a repeatable operation is tried on. A
// server that crashes under load can take down the session a listing was
// sent on, and the next one too, before the listing is answered; each
// attempt waits for the restart, so the bound is on restarts, not time.
const safeAttempts = 5

// safe runs an operation that is safe to repeat (list, read, get, ping),
// retrying it on the next session while the connection breaks under it
// (at most safeAttempts sessions).
func safe[T any](ctx context.Context, c *Client, op string, f func(context.Context, *mcp.ClientSession) (T, error)) (T, error) {
	var zero T
	for attempt := 0; ; attempt++ {
		cs, h, err := c.acquire(ctx)
		if err != nil {
			return zero, err
		}
		cctx, cancel := c.callCtx(ctx)
		v, err := f(cctx, cs)
		cause := context.Cause(cctx)
		cancel()
		if err == nil {
			return v, nil
		}
		if ctx.Err() != nil {
			return zero, fmt.Errorf("mcp server %q: %s: %w", c.name, op, ctx.Err())
		}
		if errors.Is(cause, ErrCallTimeout) {
			return zero, c.serverError(op, cause)
		}
		if !lostConn(h, err) || attempt+1 >= safeAttempts {
			return zero, c.serverError(op, err)
		}
		_ = c.drop(cs, err)
	}
}

// serverError wraps err with the server's name and stderr tail.
func (c *Client) serverError(op string, err error) error {
	var se *ServerError
	if errors.As(err, &se) {
		return err
	}
	se = &ServerError{Server: c.name, Op: op, Err: err}
	if c.stderr != nil {
		se.Stderr = c.stderr.tail(stderrInErrors)
	}
	return se
}

// Close ends the session: a stdio server's stdin is closed, then it is
// signalled (SIGTERM, then SIGKILL) if it does not exit, and reaped. The
// supervisor stops and no goroutine of the client is left when Close
// returns. Close is idempotent; later calls fail with [ErrClosed].
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		c.wg.Wait()
		return nil
	}
	c.closed = true
	cs, h := c.sess, c.sessHooks
	c.sess, c.sessHooks = nil, nil
	c.notifyLocked()
	c.mu.Unlock()

	c.cancel()
	if cs != nil {
		// The error is the child's exit status after being asked to stop,
		// or the HTTP DELETE's: nothing the caller can act on.
		_ = cs.Close()
		h.done()
	}
	c.wg.Wait()
	if c.httpTr != nil {
		c.httpTr.CloseIdleConnections()
	}
	return nil
}
