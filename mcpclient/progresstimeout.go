package mcpclient

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// WithResetTimeoutOnProgress is for servers with long tools that report
// progress: each notifications/progress of a tool call starts the call's
// timeout ([WithCallTimeout]) again, so a call that keeps reporting runs on,
// and one that goes silent for the timeout is cancelled. maxTotal caps the
// call's whole duration whatever it reports (it must be positive, and at
// least the call timeout). Past either bound the call fails with an error
// matching [ErrCallTimeout] and the server is sent notifications/cancelled.
// The TypeScript SDK's resetTimeoutOnProgress and maxTotalTimeout do the
// same. Tool calls then always carry a progress token, with or without
// [WithProgress]. It needs a call timeout: with WithCallTimeout(0) it is an
// error from the constructor.
func WithResetTimeoutOnProgress(maxTotal time.Duration) Option {
	return func(o *options) error {
		if maxTotal <= 0 {
			return optErr("WithResetTimeoutOnProgress", "the overall cap must be positive, got %s", maxTotal)
		}
		o.progressCap = maxTotal
		return nil
	}
}

// checkProgressCap is the constructors' check of WithResetTimeoutOnProgress
// against the call timeout, which may be given after it.
func (o *options) checkProgressCap() error {
	if o.progressCap == 0 {
		return nil
	}
	if o.callTimeout == 0 {
		return optErr("WithResetTimeoutOnProgress", "no call timeout to reset (WithCallTimeout(0))")
	}
	if o.progressCap < o.callTimeout {
		return optErr("WithResetTimeoutOnProgress", "the overall cap %s is below the call timeout %s", o.progressCap, o.callTimeout)
	}
	return nil
}

// A progressDeadline is the timeout of one tool call that progress resets.
type progressDeadline struct {
	mu    sync.Mutex
	timer *time.Timer
	d     time.Duration
	done  bool
}

// progressCallCtx bounds a tool call whose progress resets its timeout; the
// token's notifications reach reset through c.resets.
func (c *Client) progressCallCtx(ctx context.Context, token string) (context.Context, context.CancelFunc) {
	d, total := c.opts.callTimeout, c.opts.progressCap
	ctx, cancelCap := context.WithTimeoutCause(ctx, total, fmt.Errorf("%w after %s in all (the cap of WithResetTimeoutOnProgress)", ErrCallTimeout, total))
	ctx, cancel := context.WithCancelCause(ctx)
	pd := &progressDeadline{d: d}
	pd.timer = time.AfterFunc(d, func() {
		cancel(fmt.Errorf("%w after %s without progress", ErrCallTimeout, d))
	})
	c.resets.Store(token, pd)
	stop := context.AfterFunc(c.life, func() { cancel(nil) })
	return ctx, func() {
		c.resets.Delete(token)
		pd.mu.Lock()
		pd.done = true
		pd.timer.Stop()
		pd.mu.Unlock()
		stop()
		cancel(nil)
		cancelCap()
	}
}

// resetOnProgress starts the timeout of the call of token again.
func (c *Client) resetOnProgress(token string) {
	v, ok := c.resets.Load(token)
	if !ok {
		return
	}
	pd := v.(*progressDeadline)
	pd.mu.Lock()
	defer pd.mu.Unlock()
	if pd.done {
		return
	}
	// A timer that already fired has cancelled the call: Reset would not
	// bring it back, and must not pretend to.
	if pd.timer.Stop() {
		pd.timer.Reset(pd.d)
	}
}
