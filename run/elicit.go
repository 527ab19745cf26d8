package run

import (
	"context"
	"errors"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mistral"
)

// An ElicitationRequest is an MCP server asking the user for input during
// a tool call (elicitation): a form (Params.RequestedSchema) or a URL to
// open (Params.Mode "url").
type ElicitationRequest struct {
	Server string            // the name given to [Elicitor.Handler]
	Params *mcp.ElicitParams // Message, Mode, RequestedSchema, URL, ElicitationID
}

// ElicitationEvent is yielded by [Runner.Stream] when a server of the run
// asks the user for input, before the [Elicitor]'s function answers.
type ElicitationEvent struct {
	Request *ElicitationRequest
}

// EventType implements mistral.Event.
func (*ElicitationEvent) EventType() string { return "mcp.elicitation" }

// An Elicitor answers MCP elicitation requests with one function (a
// terminal prompt, a UI) and reports them on the stream of the run whose
// tool call caused them. Give [Elicitor.Handler] to
// mcpclient.WithElicitationHandler for each client, and the Elicitor to
// the Runner with [WithElicitor].
//
// The go-sdk delivers both protocol forms to the handler: a request the
// server sends during the call (protocol versions up to 2025-11-25) and
// the input a 2026-07-28 server asks for in the call's result. The latter
// runs under the tool call's context, so it is reported on that run's
// stream; the former is reported when exactly one stream of the Runner is
// running tools, since nothing else ties it to a run.
type Elicitor struct {
	answer func(context.Context, *ElicitationRequest) (*mcp.ElicitResult, error)

	mu    sync.Mutex
	sinks map[*eventSink]bool // streams running tools now
}

// NewElicitor returns an Elicitor that answers with answer. answer must
// honour ctx: the request ends with the tool call.
func NewElicitor(answer func(ctx context.Context, req *ElicitationRequest) (*mcp.ElicitResult, error)) (*Elicitor, error) {
	if answer == nil {
		return nil, errors.New("run: NewElicitor: nil function")
	}
	return &Elicitor{answer: answer, sinks: map[*eventSink]bool{}}, nil
}

// Handler returns the handler for the MCP client named server, for
// mcpclient.WithElicitationHandler.
func (e *Elicitor) Handler(server string) func(context.Context, *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
	return func(ctx context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		r := &ElicitationRequest{Server: server, Params: req.Params}
		sink, _ := ctx.Value(sinkKey{}).(*eventSink)
		if sink == nil {
			e.mu.Lock()
			if len(e.sinks) == 1 {
				for s := range e.sinks {
					sink = s
				}
			}
			e.mu.Unlock()
		}
		sink.send(&ElicitationEvent{Request: r})
		return e.answer(ctx, r)
	}
}

// WithElicitor reports the elicitations e answers on the streams of this
// Runner's runs (see [Elicitor]).
func WithElicitor(e *Elicitor) Option {
	return func(c *config) error {
		if e == nil {
			return errors.New("run: WithElicitor: nil Elicitor")
		}
		c.elicitor = e
		return nil
	}
}

// An eventSink carries events that arise off the run's goroutine (an
// elicitation during a tool call) to the stream, which emits them while it
// waits for the calls.
type eventSink struct {
	ch chan mistral.Event
}

type sinkKey struct{}

// send queues ev without blocking: a stream that stopped reading loses it.
func (s *eventSink) send(ev mistral.Event) {
	if s == nil {
		return
	}
	select {
	case s.ch <- ev:
	default:
	}
}

// sinkOf returns the stream's sink carried by ctx, or nil.
func sinkOf(ctx context.Context) *eventSink {
	s, _ := ctx.Value(sinkKey{}).(*eventSink)
	return s
}

// withSink gives a streamed run a sink, registered with the Runner's
// Elicitor while the run lasts.
func (r *Runner) withSink(ctx context.Context) (context.Context, func()) {
	s := &eventSink{ch: make(chan mistral.Event, 16)}
	ctx = context.WithValue(ctx, sinkKey{}, s)
	e := r.cfg.elicitor
	if e == nil {
		return ctx, func() {}
	}
	e.mu.Lock()
	e.sinks[s] = true
	e.mu.Unlock()
	return ctx, func() {
		e.mu.Lock()
		delete(e.sinks, s)
		e.mu.Unlock()
	}
}
