package run_test

import (
	"context"
	"fmt"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// echoSteps are Steps without any I/O: the model calls "echo" once, then
// answers with what it got back.
type echoSteps struct{}

func (s *echoSteps) ListTools(context.Context) (*run.ToolList, error) {
	return &run.ToolList{Tools: []run.ToolInfo{{Name: "echo", Parameters: []byte(`{"type":"object"}`)}}}, nil
}

func (s *echoSteps) History(context.Context, string) (mistral.Entries, error) { return nil, nil }

func (s *echoSteps) Turn(_ context.Context, t *run.Turn) (*run.TurnOutput, error) {
	if t.Start != nil {
		call := &mistral.FunctionCallEntry{ToolCallID: "c1", Name: "echo", Arguments: `{"say":"hi"}`}
		return &run.TurnOutput{ConversationID: "conv", Outputs: mistral.Entries{call}}, nil
	}
	r := t.Append.Inputs.Entries[0].(*mistral.FunctionResultEntry)
	return &run.TurnOutput{ConversationID: "conv", Outputs: mistral.Entries{
		&mistral.MessageOutputEntry{Content: mistral.TextContent("the tool said " + r.Result)},
	}}, nil
}

func (s *echoSteps) Execute(_ context.Context, b *run.CallBatch) (*run.CallResults, error) {
	out := &run.CallResults{Allowed: make([]bool, len(b.Ask))}
	for _, c := range b.Calls {
		out.Outcomes = append(out.Outcomes, run.CallOutcome{Text: c.Arguments})
	}
	return out, nil
}

// Loop is the run's one loop; Steps do its I/O. Here they are scripted; a
// Runner's are Runner.Steps, a durable run's are workflow activities.
func ExampleLoop() {
	res, err := run.Loop(context.Background(), run.Settings{Model: "mistral-medium-latest"}, &echoSteps{}, mistral.TextInputs("Say hi"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Text(), "in", res.Turns, "turns")
	// Output: the tool said {"say":"hi"} in 2 turns
}
