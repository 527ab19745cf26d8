package run_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// TurnLimit's smallest budget, one turn, is valid and is one turn; zero
// is an error, not "the Runner's".
func TestTurnLimitBounds(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
	})
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(getWeather), run.WithMaxTurns(5))
	_, err := r.Run(context.Background(), mistral.TextInputs("loop"), run.TurnLimit(1))
	var mt *run.MaxTurnsError
	if !errors.As(err, &mt) || mt.Turns != 1 {
		t.Fatalf("TurnLimit(1): %v, want a MaxTurnsError after 1 turn", err)
	}
	for _, n := range []int{0, -1} {
		if _, err := r.Run(context.Background(), mistral.TextInputs("loop"), run.TurnLimit(n)); err == nil || errors.As(err, &mt) {
			t.Errorf("TurnLimit(%d): %v, want an option error", n, err)
		}
	}
}
