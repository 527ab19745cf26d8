package temporal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/mcprun/mcprun/internal/trunc"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// activities are a worker's I/O: its Runner's Steps, one at a time.
type activities struct {
	runner *run.Runner
	opts   options
}

// ListTools lists the worker's tools and says which are at most once.
func (a *activities) ListTools(ctx context.Context) (*toolsResult, error) {
	l, err := a.runner.Steps(nil).ListTools(ctx)
	if err != nil {
		return nil, err
	}
	out := &toolsResult{List: *l}
	for _, t := range l.Tools {
		if a.atMostOnce(t) {
			out.AtMostOnce = append(out.AtMostOnce, t.Name)
		}
	}
	return out, nil
}

// atMostOnce: configured so, or marked destructive and not idempotent (and
// not read-only) by its server.
func (a *activities) atMostOnce(t run.ToolInfo) bool {
	if v, ok := a.opts.delivery[t.Name]; ok {
		return v
	}
	an := t.Annotations
	return an != nil && !an.ReadOnlyHint && an.DestructiveHint != nil && *an.DestructiveHint && !an.IdempotentHint
}

// History reads a conversation's entries.
func (a *activities) History(ctx context.Context, id string) (mistral.Entries, error) {
	es, err := a.runner.Steps(nil).History(ctx, id)
	return es, apiFailure(err)
}

// Turn sends one model turn, streaming, and heartbeats with each event. A
// retried attempt first reconciles with the conversation's history: inputs
// the API already accepted are not appended again.
func (a *activities) Turn(ctx context.Context, in turnInput) (*run.TurnOutput, error) {
	t := in.Turn
	if t.ConversationID != "" && t.Append != nil && (in.CheckHistory || activity.GetInfo(ctx).Attempt > 1) {
		h, err := a.runner.Steps(nil).History(ctx, t.ConversationID)
		if err != nil {
			return nil, apiFailure(err)
		}
		if first, last := findInputs(t.Append.Inputs, h); last >= 0 {
			if last+1 < len(h) {
				// Taken and answered: the answer is the turn's output.
				return a.bound(&run.TurnOutput{ConversationID: t.ConversationID, Outputs: slices.Clone(h[last+1:])}), nil
			}
			// Taken, not answered: the inputs are not appended again; the
			// conversation restarts from the entry before them, with them.
			return a.restart(ctx, t, h, first)
		}
	}
	if t.Start != nil {
		// A first turn names its conversation by the activity (metadata),
		// so that a retried attempt finds the one an earlier attempt
		// started and adopts it rather than starting a second one.
		key := turnKey(ctx)
		if activity.GetInfo(ctx).Attempt > 1 {
			out, err := a.adopt(ctx, key)
			if err != nil {
				return nil, apiFailure(err)
			}
			if out != nil {
				return a.bound(out), nil
			}
		}
		t = withKey(t, key)
	}
	// The heartbeats carry the text streamed so far, for clients to show
	// (GetStreamingTurn): heartbeat details are kept by the server outside
	// the workflow's history and answered by DescribeWorkflowExecution, so
	// streaming costs no history events and no workflow task. They tick
	// while the model thinks before its first token too (the client's idle
	// timeout bounds a stream that stalls).
	st := &streamed{turn: StreamingTurn{Turn: in.Shown, Attempt: int(activity.GetInfo(ctx).Attempt)}}
	stop := a.heartbeatEvery(ctx, streamEvery, st.details)
	defer stop()
	emit := func(ev mistral.Event) bool {
		if d, ok := ev.(*mistral.MessageOutputDeltaEvent); ok {
			st.add(d.Content)
		}
		return ctx.Err() == nil
	}
	out, err := a.runner.Steps(emit).Turn(ctx, t)
	if err != nil {
		return nil, apiFailure(err)
	}
	return a.bound(out), nil
}

// TurnMetadata is the metadata member that names the conversation a durable
// run's first turn started: "WORKFLOW_ID/RUN_ID/ACTIVITY_ID", the same for
// every attempt of the turn.
const TurnMetadata = "mcprun_turn"

func turnKey(ctx context.Context) string {
	info := activity.GetInfo(ctx)
	return info.WorkflowExecution.ID + "/" + info.WorkflowExecution.RunID + "/" + info.ActivityID
}

// withKey returns t with its start request carrying key in its metadata.
func withKey(t *run.Turn, key string) *run.Turn {
	start := *t.Start
	start.Metadata = maps.Clone(start.Metadata)
	if start.Metadata == nil {
		start.Metadata = map[string]any{}
	}
	start.Metadata[TurnMetadata] = key
	nt := *t
	nt.Start = &start
	return &nt
}

// adopt finds the conversation an earlier attempt of this first turn
// started (the API took it, the answer was lost with the worker or the
// connection) and returns its answer as the turn's output; nil if there is
// none with an answer. A conversation that took the prompt but holds no
// answer is left as it is: it awaits no call (the damage a retry can do is
// such a stray conversation, never a second answered one).
func (a *activities) adopt(ctx context.Context, key string) (*run.TurnOutput, error) {
	mc := a.runner.Client()
	convs, err := mc.ListConversations(ctx, &mistral.ListConversationsParams{PageSize: 20, Metadata: map[string]any{TurnMetadata: key}})
	var ae *mistral.APIError
	if errors.As(err, &ae) && !ae.Retryable() {
		// An API that refuses the listing cannot say: the turn starts a
		// conversation, as it would without this check.
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, c := range convs {
		// The filter is checked here too: an API that ignored it would
		// list other conversations.
		var m struct {
			Metadata map[string]any `json:"metadata"`
		}
		if json.Unmarshal(c.Raw, &m) != nil || m.Metadata[TurnMetadata] != key {
			continue
		}
		h, err := mc.GetConversationHistory(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		// The answer is what follows the turn's inputs.
		i := 0
		for i < len(h.Entries) {
			if _, ok := h.Entries[i].(*mistral.MessageInputEntry); !ok {
				if _, ok := h.Entries[i].(*mistral.FunctionResultEntry); !ok {
					break
				}
			}
			i++
		}
		if i < len(h.Entries) {
			return &run.TurnOutput{ConversationID: c.ID, Outputs: slices.Clone(h.Entries[i:])}, nil
		}
	}
	return nil, nil
}

// findInputs finds a turn's inputs in the conversation's history: the
// indices of the first and last of them, or -1 if the API did not take
// them. Function results are found by tool_call_id; a prompt alone if it
// is the conversation's last input.
func findInputs(in mistral.Inputs, h mistral.Entries) (first, last int) {
	first, last = -1, -1
	if len(in.Entries) > 0 {
		ids := map[string]bool{}
		for _, e := range in.Entries {
			if fr, ok := e.(*mistral.FunctionResultEntry); ok {
				ids[fr.ToolCallID] = true
			}
		}
		for i, e := range h {
			if fr, ok := e.(*mistral.FunctionResultEntry); ok && ids[fr.ToolCallID] {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
	} else if in.Text != "" {
		for i, e := range h {
			if m, ok := e.(*mistral.MessageInputEntry); ok {
				first, last = -1, -1
				if m.Content.Text == in.Text {
					first, last = i, i
				}
			}
		}
	}
	if last < 0 {
		return -1, -1
	}
	// Inputs sent with ours (a prompt after the results) belong to them.
	for last+1 < len(h) {
		switch h[last+1].(type) {
		case *mistral.FunctionResultEntry, *mistral.MessageInputEntry:
			last++
			continue
		}
		break
	}
	return first, last
}

// restart sends a turn whose inputs the conversation took without an
// answer: it restarts the conversation from the entry before them, with
// them, so that no function.result is appended twice.
func (a *activities) restart(ctx context.Context, t *run.Turn, h mistral.Entries, first int) (*run.TurnOutput, error) {
	if first == 0 {
		return nil, temporal.NewNonRetryableApplicationError("mcprun: the conversation took the turn's inputs first and never answered them", "mcprun.Reconcile", nil)
	}
	stop := a.heartbeat(ctx)
	defer stop()
	resp, err := a.runner.Client().RestartConversation(ctx, t.ConversationID, &mistral.RestartRequest{
		Inputs: t.Append.Inputs, Store: t.Append.Store, FromEntryID: entryID(h[first-1]),
	})
	if err != nil {
		return nil, apiFailure(err)
	}
	return a.bound(&run.TurnOutput{ConversationID: resp.ConversationID, Outputs: resp.Outputs, Usage: resp.Usage}), nil
}

// heartbeat records a heartbeat every interval until stop is called.
func (a *activities) heartbeat(ctx context.Context) (stop func()) {
	return a.heartbeatEvery(ctx, a.opts.heartbeatEvery, nil)
}

// streamEvery is how often a streaming turn records its text; the worker's
// MaxHeartbeatThrottleInterval bounds how often the server gets it.
const streamEvery = 250 * time.Millisecond

// heartbeatEvery records a heartbeat every d, with details() if not nil,
// until stop is called. (A heartbeat without details would clear the
// ones recorded before: a streaming turn's heartbeats all carry them.)
func (a *activities) heartbeatEvery(ctx context.Context, d time.Duration, details func() any) (stop func()) {
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(d)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				if details != nil {
					activity.RecordHeartbeat(ctx, details())
				} else {
					activity.RecordHeartbeat(ctx)
				}
			}
		}
	}()
	return func() { close(done) }
}

// maxStreamText bounds the text a turn's heartbeats carry; past it
// clients finish the turn from Progress.Texts.
const maxStreamText = 64 << 10

// streamed is the text a turn has streamed so far.
type streamed struct {
	mu   sync.Mutex
	turn StreamingTurn
	text strings.Builder
}

func (s *streamed) add(c mistral.Content) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.text.Len() >= maxStreamText {
		return
	}
	s.text.WriteString(c.Text)
	for _, ch := range c.Chunks {
		if tc, ok := ch.(*mistral.TextChunk); ok {
			s.text.WriteString(tc.Text)
		}
	}
}

func (s *streamed) details() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.turn
	t.Text = s.text.String()
	if len(t.Text) > maxStreamText {
		t.Text = trunc.Cut(t.Text, maxStreamText, "")
	}
	return t
}

// Call executes one tool call. The tool's own error, an unknown tool or bad
// arguments are results; a failure that kept the call from running (the run
// cancelled, a server gone) is an activity failure, retried as the
// workflow's policy says.
func (a *activities) Call(ctx context.Context, in callInput) (*callResult, error) {
	if in.Listed {
		// A tool the run listed that this worker lacks: another worker
		// has it; the workflow waits for one.
		tools, err := a.runner.Tools(ctx)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(tools, func(t mistral.Tool) bool { return t.Function != nil && t.Function.Name == in.Call.Name }) {
			return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf("this worker has no tool %q", in.Call.Name), missingTool, nil)
		}
	}
	// Heartbeats tell Temporal the worker lives: a dead worker's call is
	// given up after the heartbeat timeout, not the call timeout.
	stop := a.heartbeat(ctx)
	defer stop()
	res, err := a.runner.Steps(nil).Execute(ctx, &run.CallBatch{Calls: []*mistral.FunctionCallEntry{in.Call}, Approved: []bool{true}})
	if err != nil {
		return nil, err
	}
	o := res.Outcomes[0]
	if o.Err != nil && (o.Fatal || o.Cancelled) {
		return nil, o.Err
	}
	out := &callResult{Text: o.Text}
	if o.Err != nil {
		out.Text, out.Err = "", o.Err.Error()
	}
	out.Text = a.cut(out.Text, "tool result")
	out.Err = a.cut(out.Err, "tool error")
	return out, nil
}

// cut bounds a text kept in the workflow's history.
func (a *activities) cut(s, what string) string {
	if len(s) <= a.opts.maxPayload {
		return s
	}
	return trunc.Cut(s, a.opts.maxPayload, fmt.Sprintf("\n[%s cut from %d bytes: a durable run keeps at most %d bytes of it]", what, len(s), a.opts.maxPayload))
}

// bound keeps a turn's outputs under the payload cap: message texts are
// cut, with a note (the whole text stays in the conversation).
func (a *activities) bound(out *run.TurnOutput) *run.TurnOutput {
	b, err := json.Marshal(out)
	if err != nil || len(b) <= a.opts.maxPayload {
		return out
	}
	per := a.opts.maxPayload / (len(out.Outputs) + 1)
	for _, e := range out.Outputs {
		if m, ok := e.(*mistral.MessageOutputEntry); ok {
			text := m.Content.Text
			if m.Content.Chunks != nil {
				var all []byte
				for _, c := range m.Content.Chunks {
					if tc, ok := c.(*mistral.TextChunk); ok {
						all = append(all, tc.Text...)
					}
				}
				text = string(all)
			}
			if len(text) > per {
				m.Content = mistral.TextContent(trunc.Cut(text, per, fmt.Sprintf("\n[cut from %d bytes for the workflow history; the whole text is in conversation %s]", len(text), out.ConversationID)))
			}
		}
	}
	return out
}

// missingTool is the failure type of a call on a worker without its tool.
const missingTool = "mcprun.MissingTool"

// apiFailure makes an API refusal that retrying cannot fix a non-retryable
// activity failure; Temporal retries the rest.
func apiFailure(err error) error {
	if err == nil {
		return nil
	}
	var ae *mistral.APIError
	if errors.As(err, &ae) && !ae.Retryable() {
		return temporal.NewNonRetryableApplicationError(err.Error(), "mistral.APIError", nil)
	}
	return err
}

// entryID returns an entry's id.
func entryID(e mistral.Entry) string {
	switch e := e.(type) {
	case *mistral.MessageInputEntry:
		return e.ID
	case *mistral.MessageOutputEntry:
		return e.ID
	case *mistral.FunctionCallEntry:
		return e.ID
	case *mistral.FunctionResultEntry:
		return e.ID
	case *mistral.ToolExecutionEntry:
		return e.ID
	case *mistral.AgentHandoffEntry:
		return e.ID
	}
	return ""
}
