package run

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strings"

	"github.com/mcprun/mcprun/mistral"
)

// ResultEvent is the last event of [Runner.Stream]: the run's result.
type ResultEvent struct {
	Result *Result
}

// EventType implements mistral.Event.
func (*ResultEvent) EventType() string { return "run.result" }

// Stream runs like [Runner.Run] (same inputs, same call options) and yields, as they happen: the API's events
// (message.output.delta, function.call.delta, tool.execution.*, ...), a
// [*ToolStartedEvent] and a [*FunctionResultEvent] for each local tool call,
// and last a [*ResultEvent] whose entries are rebuilt from the deltas. If the
// run fails, that last ResultEvent (holding the entries so far) comes with
// the error, so a loop that stops at the first error still sees it. Invalid
// call options give one ResultEvent with a nil Result and the error.
// Breaking out of the loop cancels the run: the request is closed and running
// tool calls are cancelled and waited for.
func (r *Runner) Stream(ctx context.Context, inputs mistral.Inputs, opts ...CallOption) iter.Seq2[mistral.Event, error] {
	call, callErr := callConfig(opts)
	return func(yield func(mistral.Event, error) bool) {
		if callErr != nil {
			yield(&ResultEvent{}, callErr)
			return
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ctx, unregister := r.withSink(ctx)
		defer unregister()
		stopped := false
		emit := func(ev mistral.Event) bool {
			if stopped {
				return false
			}
			if !yield(ev, nil) {
				stopped = true
				cancel()
			}
			return !stopped
		}
		res, err := r.loop(ctx, inputs, call, emit)
		if stopped || errors.Is(err, errStopped) {
			return
		}
		yield(&ResultEvent{Result: res}, err)
	}
}

// streamTurn forwards one turn's events and rebuilds its output entries.
func streamTurn(out *TurnOutput, events iter.Seq2[mistral.Event, error], emit func(mistral.Event) bool) (mistral.Entries, mistral.Usage, error) {
	var acc accumulator
	var usage mistral.Usage
	for ev, err := range events {
		if err != nil {
			return acc.entries(), usage, err
		}
		switch ev := ev.(type) {
		case *mistral.ResponseStartedEvent:
			out.ConversationID = ev.ConversationID
		case *mistral.ResponseDoneEvent:
			usage = ev.Usage
		default:
			acc.add(ev)
		}
		if !emit(ev) {
			return acc.entries(), usage, errStopped
		}
	}
	return acc.entries(), usage, nil
}

// accumulator rebuilds a turn's entries from its deltas, grouped by
// output_index, as the reference SDK does: message content concatenated
// (adjacent text merged), function-call arguments concatenated, names and
// ids from the first delta.
type accumulator struct {
	byIndex map[int]*slot
}

type slot struct {
	entry  mistral.Entry
	chunks []mistral.Chunk // message content so far

	// The text being appended to (the last text chunk, or a call's
	// arguments) grows in a builder, and is written to its field by flush:
	// adding each delta to the whole string would make a stream quadratic
	// in its length.
	text strings.Builder
	into *string
}

// appendText appends t to the text at into.
func (s *slot) appendText(into *string, t string) {
	if s.into != into {
		s.flush()
		s.into = into
		s.text = strings.Builder{}
		s.text.WriteString(*into)
	}
	s.text.WriteString(t)
}

// flush writes the text built so far to its field. Appending may go on
// after it: a strings.Builder never changes what String returned.
func (s *slot) flush() {
	if s.into != nil {
		*s.into = s.text.String()
	}
}

func (a *accumulator) at(i int, mk func() mistral.Entry) *slot {
	if a.byIndex == nil {
		a.byIndex = map[int]*slot{}
	}
	s, ok := a.byIndex[i]
	if !ok {
		s = &slot{entry: mk()}
		a.byIndex[i] = s
	}
	return s
}

func (a *accumulator) add(ev mistral.Event) {
	switch ev := ev.(type) {
	case *mistral.MessageOutputDeltaEvent:
		s := a.at(ev.OutputIndex, func() mistral.Entry {
			return &mistral.MessageOutputEntry{
				EntryMeta: mistral.EntryMeta{ID: ev.ID, CreatedAt: ev.CreatedAt},
				Model:     ev.Model, AgentID: ev.AgentID, Role: ev.Role,
			}
		})
		if ev.Content.Chunks == nil {
			s.appendChunk(&mistral.TextChunk{Text: ev.Content.Text})
		}
		for _, c := range ev.Content.Chunks {
			s.appendChunk(c)
		}
	case *mistral.FunctionCallDeltaEvent:
		s := a.at(ev.OutputIndex, func() mistral.Entry {
			return &mistral.FunctionCallEntry{
				EntryMeta: mistral.EntryMeta{ID: ev.ID, CreatedAt: ev.CreatedAt},
				Model:     ev.Model, AgentID: ev.AgentID, Name: ev.Name, ToolCallID: ev.ToolCallID,
				ConfirmationStatus: ev.ConfirmationStatus,
			}
		})
		if fc, ok := s.entry.(*mistral.FunctionCallEntry); ok {
			s.appendText(&fc.Arguments, ev.Arguments)
		}
	case *mistral.ToolExecutionStartedEvent:
		a.at(ev.OutputIndex, func() mistral.Entry {
			return &mistral.ToolExecutionEntry{
				EntryMeta: mistral.EntryMeta{ID: ev.ID, CreatedAt: ev.CreatedAt},
				Model:     ev.Model, AgentID: ev.AgentID, Name: ev.Name, Arguments: ev.Arguments,
			}
		})
	case *mistral.ToolExecutionDeltaEvent:
		s := a.at(ev.OutputIndex, func() mistral.Entry {
			return &mistral.ToolExecutionEntry{EntryMeta: mistral.EntryMeta{ID: ev.ID}, Name: ev.Name}
		})
		if te, ok := s.entry.(*mistral.ToolExecutionEntry); ok {
			s.appendText(&te.Arguments, ev.Arguments)
		}
	case *mistral.ToolExecutionDoneEvent:
		s := a.at(ev.OutputIndex, func() mistral.Entry {
			return &mistral.ToolExecutionEntry{EntryMeta: mistral.EntryMeta{ID: ev.ID}, Name: ev.Name}
		})
		if te, ok := s.entry.(*mistral.ToolExecutionEntry); ok {
			te.Info = ev.Info
			if t := ev.CreatedAt; !t.IsZero() {
				te.CompletedAt = &t
			}
		}
	case *mistral.AgentHandoffStartedEvent:
		s := a.at(ev.OutputIndex, func() mistral.Entry {
			return &mistral.AgentHandoffEntry{EntryMeta: mistral.EntryMeta{ID: ev.ID, CreatedAt: ev.CreatedAt}}
		})
		if h, ok := s.entry.(*mistral.AgentHandoffEntry); ok {
			h.PreviousAgentID, h.PreviousAgentName = ev.PreviousAgentID, ev.PreviousAgentName
		}
	case *mistral.AgentHandoffDoneEvent:
		s := a.at(ev.OutputIndex, func() mistral.Entry {
			return &mistral.AgentHandoffEntry{EntryMeta: mistral.EntryMeta{ID: ev.ID}}
		})
		if h, ok := s.entry.(*mistral.AgentHandoffEntry); ok {
			h.NextAgentID, h.NextAgentName = ev.NextAgentID, ev.NextAgentName
		}
	}
}

func (s *slot) appendChunk(c mistral.Chunk) {
	t, ok := c.(*mistral.TextChunk)
	if !ok {
		s.chunks = append(s.chunks, c)
		return
	}
	if len(s.chunks) > 0 {
		if last, ok := s.chunks[len(s.chunks)-1].(*mistral.TextChunk); ok {
			s.appendText(&last.Text, t.Text)
			return
		}
	}
	own := &mistral.TextChunk{} // own copy: it is appended to
	s.chunks = append(s.chunks, own)
	s.appendText(&own.Text, t.Text)
}

// entries returns the rebuilt entries by output index.
func (a *accumulator) entries() mistral.Entries {
	idx := make([]int, 0, len(a.byIndex))
	for i := range a.byIndex {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	out := make(mistral.Entries, 0, len(idx))
	for _, i := range idx {
		s := a.byIndex[i]
		s.flush()
		if m, ok := s.entry.(*mistral.MessageOutputEntry); ok {
			// Plain text stays a string, as the non-streaming API sends it.
			if len(s.chunks) == 1 {
				if t, ok := s.chunks[0].(*mistral.TextChunk); ok {
					m.Content = mistral.TextContent(t.Text)
					out = append(out, m)
					continue
				}
			}
			m.Content = mistral.Content{Chunks: s.chunks}
		}
		out = append(out, s.entry)
	}
	return out
}
