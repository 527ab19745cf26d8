package mistral

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Defaults of the client's time bounds.
const (
	// DefaultIdleTimeout bounds a silence of the API: waiting for an
	// answer's first byte, or between two reads of an answer or a stream.
	// Generous: gateways in front of the API cut idle connections sooner.
	DefaultIdleTimeout = 5 * time.Minute
	// DefaultMaxRetryWait caps one wait before a retry, Retry-After included.
	DefaultMaxRetryWait = time.Minute
	// DefaultMaxRetryTime caps the time one request spends waiting to retry.
	DefaultMaxRetryTime = 5 * time.Minute
)

// ErrIdleTimeout is wrapped by the error of a request whose answer (or
// stream) sent nothing for longer than the idle timeout (see
// [WithIdleTimeout]). Such a request is not retried: the API may have acted
// on it.
var ErrIdleTimeout = errors.New("the API sent nothing for too long (idle timeout)")

// ErrRetryBudget is wrapped by the error of a request that was refused
// (429, 5xx) and whose next wait would pass a cap of [WithRetryLimits]: the
// API's own error is wrapped too.
var ErrRetryBudget = errors.New("retry wait over the limit")

// WithIdleTimeout bounds how long the API may send nothing: before an
// answer's first byte, and between reads of an answer or of a stream
// (default [DefaultIdleTimeout]). 0 turns the bound off; a negative
// duration is an error.
func WithIdleTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return fmt.Errorf("WithIdleTimeout: negative duration %v", d)
		}
		o.idle = &d
		return nil
	}
}

// WithRetryLimits caps one wait before a retry, a Retry-After header
// included (maxWait, default [DefaultMaxRetryWait]), and the waits of one
// request in all (maxTotal, default [DefaultMaxRetryTime]). A request whose
// next wait would pass either cap fails at once, wrapping [ErrRetryBudget]
// and the API's error, instead of sleeping. Both must be positive.
func WithRetryLimits(maxWait, maxTotal time.Duration) Option {
	return func(o *options) error {
		if maxWait <= 0 || maxTotal <= 0 {
			return fmt.Errorf("WithRetryLimits: durations must be positive, got %v and %v", maxWait, maxTotal)
		}
		o.maxRetryWait, o.maxRetryTime = maxWait, maxTotal
		return nil
	}
}

// retryBudget reports why the next wait is not allowed, or nil.
func (c *Client) retryBudget(wait, waited time.Duration, retryAfter bool) error {
	switch {
	case wait > c.maxRetryWait && retryAfter:
		return fmt.Errorf("%w: the API asks to wait %v, more than the %v allowed", ErrRetryBudget, wait.Round(time.Millisecond), c.maxRetryWait)
	case waited+min(wait, c.maxRetryWait) > c.maxRetryTime:
		return fmt.Errorf("%w: retrying would wait more than %v in all", ErrRetryBudget, c.maxRetryTime)
	}
	return nil
}

// idleGuard cancels one attempt's context when the API stays silent for
// longer than d: before the answer's headers, and between two reads of its
// body.
type idleGuard struct {
	d      time.Duration
	cancel context.CancelCauseFunc
	timer  *time.Timer
	// rd is the answer's body wrapper, kept here so that an attempt costs
	// one allocation less.
	rd idleBody
}

// guardIdle returns the attempt's context and its guard; with d == 0 the
// context is ctx and the guard does nothing.
func guardIdle(ctx context.Context, d time.Duration) (context.Context, *idleGuard) {
	if d <= 0 {
		return ctx, nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	g := &idleGuard{d: d, cancel: cancel}
	g.timer = time.AfterFunc(d, func() { cancel(fmt.Errorf("mistral: %w (%v)", ErrIdleTimeout, d)) })
	return ctx, g
}

// err returns the idle timeout if it ended the attempt.
func (g *idleGuard) err(ctx context.Context) error {
	if g == nil {
		return nil
	}
	if cause := context.Cause(ctx); errors.Is(cause, ErrIdleTimeout) {
		return cause
	}
	return nil
}

// stop releases the attempt's context.
func (g *idleGuard) stop() {
	if g != nil {
		g.timer.Stop()
		g.cancel(nil)
	}
}

// body wraps an answer's body: each read that brings bytes re-arms the
// timer; a read cut by the timer fails with the idle timeout; Close
// releases the attempt.
func (g *idleGuard) body(ctx context.Context, rc io.ReadCloser) io.ReadCloser {
	if g == nil {
		return rc
	}
	g.timer.Reset(g.d)
	g.rd = idleBody{rc: rc, g: g, ctx: ctx}
	return &g.rd
}

type idleBody struct {
	rc   io.ReadCloser
	g    *idleGuard
	ctx  context.Context
	once sync.Once
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if n > 0 {
		b.g.timer.Reset(b.g.d)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		if idle := b.g.err(b.ctx); idle != nil {
			err = idle
		}
	}
	return n, err
}

func (b *idleBody) Close() error {
	err := b.rc.Close()
	b.once.Do(b.g.stop)
	return err
}
