package run

import (
	"errors"
	"fmt"
)

// A CallOption adjusts one run of a [Runner] (see [Runner.Run]). Like an
// [Option] it validates its argument: an invalid CallOption fails the call.
type CallOption func(*callOptions) error

type callOptions struct {
	conversationID string
	deferral       *Deferral           // WithDecisions
	decisions      map[string]Decision // by tool_call_id
	maxTurns       int                 // TurnLimit; 0: the Runner's
}

// TurnLimit bounds the model turns of this run, instead of the Runner's
// [WithMaxTurns]: e.g. a larger budget to resume a run stopped by the
// limit. n must be at least 1.
func TurnLimit(n int) CallOption {
	return func(c *callOptions) error {
		if n < 1 {
			return fmt.Errorf("run: TurnLimit(%d): must be at least 1", n)
		}
		c.maxTurns = n
		return nil
	}
}

// InConversation continues the conversation of that id (for example a
// previous [Result.ConversationID]) instead of starting a new one: a chat
// loop keeps one Runner, and with it its MCP servers. It is set per call, so
// that concurrent runs on one Runner never share a conversation by accident.
// An empty id is an error.
func InConversation(id string) CallOption {
	return func(c *callOptions) error {
		if id == "" {
			return errors.New("run: InConversation: empty conversation id")
		}
		if c.deferral != nil && c.deferral.ConversationID != id {
			return fmt.Errorf("run: InConversation(%s): the decisions given are for conversation %s", id, c.deferral.ConversationID)
		}
		c.conversationID = id
		return nil
	}
}

func callConfig(opts []CallOption) (callOptions, error) {
	var c callOptions
	var errs []error
	for _, o := range opts {
		if o == nil {
			errs = append(errs, errors.New("run: nil CallOption"))
			continue
		}
		if err := o(&c); err != nil {
			errs = append(errs, err)
		}
	}
	return c, errors.Join(errs...)
}
