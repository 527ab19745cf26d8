package run_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// WithDecisions and InConversation may come in either order: the
// conversation must be the deferral's either way.
func TestDecisionsThenInConversation(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if t.TurnInConversation == 0 {
			return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
		}
		return mistraltest.Respond(mistraltest.Text("done")), nil
	})
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(getWeather.RequireConfirmation()))
	_, err := r.Run(context.Background(), mistral.TextInputs("go"))
	var de *run.DeferredError
	if !errors.As(err, &de) {
		t.Fatalf("first run: %v, want a deferral", err)
	}
	d := de.Deferral
	approve := run.WithDecisions(d, run.Approve(d.Calls[0].ToolCallID))
	_, err = r.Run(context.Background(), mistral.Inputs{}, approve, run.InConversation("conv_other"))
	if err == nil || !strings.Contains(err.Error(), "the decisions given are for conversation "+d.ConversationID) {
		t.Fatalf("decisions for another conversation: %v", err)
	}
	res, err := r.Run(context.Background(), mistral.Inputs{}, approve, run.InConversation(d.ConversationID))
	if err != nil || res.Text() != "done" {
		t.Fatalf("decisions then their conversation: %v", err)
	}
}
