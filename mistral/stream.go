package mistral

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
)

// stream sends a streaming request and yields its events. The body is closed
// when the stream ends, when the consumer stops early, or when ctx ends.
//
// A conversation.response.error event is yielded, then the stream ends with a
// *StreamError. A stream that ends before conversation.response.done ends with
// ErrStreamTruncated. Malformed events end it with an error naming the event.
func (c *Client) stream(ctx context.Context, rq request) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		resp, err := c.do(ctx, rq)
		if err != nil {
			yield(nil, err)
			return
		}
		defer resp.Body.Close()
		// Closing the body on cancel unblocks a read that waits on a silent server.
		stop := context.AfterFunc(ctx, func() { resp.Body.Close() })
		defer stop()
		r := newSSEReader(resp.Body, c.maxEvent)
		for {
			sev, err := r.Next()
			if err != nil {
				switch {
				case ctx.Err() != nil:
					err = fmt.Errorf("mistral: stream %s: %w", rq.path, ctx.Err())
				case errors.Is(err, io.EOF):
					err = ErrStreamTruncated
				default:
					err = fmt.Errorf("mistral: reading stream %s: %w", rq.path, err)
				}
				yield(nil, err)
				return
			}
			if string(sev.Data) == "[DONE]" {
				yield(nil, ErrStreamTruncated)
				return
			}
			ev, err := UnmarshalEvent(sev.Event, sev.Data)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(ev, nil) {
				return
			}
			switch e := ev.(type) {
			case *ResponseDoneEvent:
				return
			case *ResponseErrorEvent:
				yield(nil, &StreamError{Code: e.Code, Message: e.Message})
				return
			}
		}
	}
}
