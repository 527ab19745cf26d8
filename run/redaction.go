package run

import (
	"errors"
	"strings"

	"github.com/mcprun/mcprun/internal/redact"
	"github.com/mcprun/mcprun/mcpclient"
)

// WithRedaction names secrets in use (the API key, tokens, client
// secrets, header values given to servers) that must not reach the model
// or a span: a run replaces them by "[REDACTED]" in the tool results and
// errors it sends the model, in span attributes and statuses, and in its
// logs. Values shorter than 8 bytes are ignored. A stdio server's stderr
// tail never goes to the model or a span, secrets or not: the error the
// caller gets still carries it ([mcpclient.ServerError]'s Stderr).
func WithRedaction(secrets ...string) Option {
	return func(c *config) error {
		if c.secrets == nil {
			c.secrets = &redact.Set{}
		}
		c.secrets.Add(secrets...)
		return nil
	}
}

// outbound makes a call's outcome fit to leave the process: secrets out of
// its text and error, the error without a server's stderr tail. The error
// keeps its chain (errors.Is/As) and the tail, for the caller.
func (r *Runner) outbound(o CallOutcome) CallOutcome {
	o.Text = r.cfg.secrets.String(o.Text)
	if o.Err != nil {
		o.Err = r.outboundErr(o.Err)
	}
	return o
}

func (r *Runner) outboundErr(err error) error {
	msg := err.Error()
	var se *mcpclient.ServerError
	if errors.As(err, &se) {
		if tail := strings.TrimSpace(se.Stderr); tail != "" {
			msg = strings.Replace(msg, "; stderr: "+tail, " (stderr withheld)", 1)
		}
	}
	msg = r.cfg.secrets.String(msg)
	if msg == err.Error() {
		return err
	}
	return &outboundError{msg: msg, err: err}
}

// outboundError is an error whose message was redacted; its chain is the
// original's.
type outboundError struct {
	msg string
	err error
}

func (e *outboundError) Error() string { return e.msg }
func (e *outboundError) Unwrap() error { return e.err }
