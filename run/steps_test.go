package run_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// scriptedSteps are Steps without I/O: each turn answers from a script, each
// call from a function. They record what the loop asked for.
type scriptedSteps struct {
	tools   run.ToolList
	turns   []mistral.Entries // outputs of turn i
	history mistral.Entries
	exec    func(c *mistral.FunctionCallEntry) run.CallOutcome
	sent    []*run.Turn
	batches []*run.CallBatch
	lists   int
}

func (s *scriptedSteps) ListTools(context.Context) (*run.ToolList, error) {
	s.lists++
	return &s.tools, nil
}

func (s *scriptedSteps) History(context.Context, string) (mistral.Entries, error) {
	return s.history, nil
}

func (s *scriptedSteps) Turn(_ context.Context, t *run.Turn) (*run.TurnOutput, error) {
	s.sent = append(s.sent, t)
	if len(s.sent) > len(s.turns) {
		return nil, errors.New("script exhausted")
	}
	return &run.TurnOutput{ConversationID: "conv-1", Outputs: s.turns[len(s.sent)-1], Usage: mistral.Usage{TotalTokens: 1}}, nil
}

func (s *scriptedSteps) Execute(_ context.Context, b *run.CallBatch) (*run.CallResults, error) {
	s.batches = append(s.batches, b)
	out := &run.CallResults{Allowed: make([]bool, len(b.Ask))}
	for _, c := range b.Calls {
		out.Outcomes = append(out.Outcomes, s.exec(c))
	}
	return out, nil
}

func call(id, name, args string) *mistral.FunctionCallEntry {
	return &mistral.FunctionCallEntry{ToolCallID: id, Name: name, Arguments: args}
}

func TestLoopDecidesAndStepsDoTheIO(t *testing.T) {
	st := &scriptedSteps{
		tools: run.ToolList{Tools: []run.ToolInfo{{Name: "add", Parameters: []byte(`{"type":"object"}`)}}, Refresh: true},
		turns: []mistral.Entries{
			{call("c1", "add", `{"a":1}`), call("c2", "add", `{"a":2}`)},
			{&mistral.MessageOutputEntry{Content: mistral.TextContent("3")}},
		},
		exec: func(c *mistral.FunctionCallEntry) run.CallOutcome {
			if c.ToolCallID == "c2" {
				return run.CallOutcome{Err: errors.New("boom")}
			}
			return run.CallOutcome{Text: "ok " + c.Arguments}
		},
	}
	res, err := run.Loop(context.Background(), run.Settings{Model: "m", ContinueOnError: true}, st, mistral.TextInputs("hi"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Text() != "3" || res.Turns != 2 || res.ConversationID != "conv-1" || res.Usage.TotalTokens != 2 {
		t.Fatalf("result: text %q turns %d conv %q usage %+v", res.Text(), res.Turns, res.ConversationID, res.Usage)
	}
	if st.sent[0].Start == nil || st.sent[0].Start.Model != "m" || len(st.sent[0].Start.Tools) != 1 {
		t.Fatalf("first turn: %+v", st.sent[0])
	}
	app := st.sent[1].Append
	if app == nil || st.sent[1].ConversationID != "conv-1" || len(app.Inputs.Entries) != 2 {
		t.Fatalf("second turn: %+v", st.sent[1])
	}
	r1 := app.Inputs.Entries[0].(*mistral.FunctionResultEntry)
	r2 := app.Inputs.Entries[1].(*mistral.FunctionResultEntry)
	if r1.ToolCallID != "c1" || r1.Result != `ok {"a":1}` || r2.ToolCallID != "c2" || r2.Result != "Error while executing add: boom" {
		t.Fatalf("results: %+v %+v", r1, r2)
	}
	if len(st.batches) != 1 || st.batches[0].Turn != 1 || len(st.batches[0].Calls) != 2 {
		t.Fatalf("batches: %+v", st.batches)
	}
	if st.lists != 2 {
		t.Fatalf("tools listed %d times, want 2 (Refresh)", st.lists)
	}
}

func TestLoopDefersWithoutApprover(t *testing.T) {
	st := &scriptedSteps{
		tools: run.ToolList{Tools: []run.ToolInfo{{Name: "rm", Confirm: true}, {Name: "ls"}}},
		turns: []mistral.Entries{{call("c1", "rm", `{}`), call("c2", "ls", `{}`)}},
		exec:  func(c *mistral.FunctionCallEntry) run.CallOutcome { return run.CallOutcome{Text: "listed"} },
	}
	res, err := run.Loop(context.Background(), run.Settings{Model: "m"}, st, mistral.TextInputs("hi"))
	var de *run.DeferredError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want a DeferredError", err)
	}
	if len(de.Deferral.Calls) != 1 || de.Deferral.Calls[0].ToolCallID != "c1" || len(de.Deferral.Executed) != 1 || de.Deferral.Executed[0].Result != "listed" {
		t.Fatalf("deferral: %+v", de.Deferral)
	}
	if len(res.Pending) != 2 {
		t.Fatalf("pending: %d", len(res.Pending))
	}
	if b := st.batches[0]; len(b.Calls) != 1 || b.Calls[0].ToolCallID != "c2" || len(b.Events) != 1 {
		t.Fatalf("batch: %+v", b)
	}

	// Continued with a decision: the history is read, the approved call
	// runs, the executed one is not run again.
	st2 := &scriptedSteps{
		tools:   st.tools,
		history: mistral.Entries{call("c1", "rm", `{}`), call("c2", "ls", `{}`)},
		turns:   []mistral.Entries{{&mistral.MessageOutputEntry{Content: mistral.TextContent("done")}}},
		exec: func(c *mistral.FunctionCallEntry) run.CallOutcome {
			return run.CallOutcome{Text: "removed " + c.Arguments}
		},
	}
	res, err = run.Loop(context.Background(), run.Settings{Model: "m"}, st2, mistral.Inputs{}, run.WithDecisions(de.Deferral, run.ApproveWithArguments("c1", []byte(`{"force":true}`))))
	if err != nil {
		t.Fatal(err)
	}
	if res.Text() != "done" || len(st2.batches) != 1 || len(st2.batches[0].Calls) != 1 || !st2.batches[0].Approved[0] {
		t.Fatalf("continued: %q %+v", res.Text(), st2.batches)
	}
	got := fmt.Sprint(st2.sent[0].Append.Inputs.Entries[0].(*mistral.FunctionResultEntry).Result, "|", st2.sent[0].Append.Inputs.Entries[1].(*mistral.FunctionResultEntry).Result)
	if got != `removed {"force":true}|listed` {
		t.Fatalf("results sent: %s", got)
	}
}

func TestLoopRefusesBadSettings(t *testing.T) {
	if _, err := run.Loop(context.Background(), run.Settings{}, &scriptedSteps{}, mistral.TextInputs("x")); err == nil {
		t.Fatal("no model and no agent: want an error")
	}
}
