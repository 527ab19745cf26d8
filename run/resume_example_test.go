package run_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// A run stopped by its turn limit leaves the model's last calls pending in
// the conversation; Resume answers them (once) and runs to the answer.
// The same holds for a run interrupted or failed after the conversation
// exists: keep Result.ConversationID and resume it, in this process or
// another.
func ExampleRunner_Resume() {
	srv := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("get_weather"); ok {
			return mistraltest.Respond(mistraltest.Text("It is " + res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
	})
	defer srv.Close()
	client, _ := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))
	getWeather := run.MustFunc("get_weather", "The weather in a city.", func(ctx context.Context, in struct {
		City string `json:"city"`
	}) (string, error) {
		return "21°C in " + in.City, nil
	})
	r, err := run.New(client, run.WithModel("mistral-medium-latest"), run.WithFunctions(getWeather), run.WithMaxTurns(1))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()

	res, err := r.Run(context.Background(), mistral.TextInputs("Weather in Paris?"))
	var mt *run.MaxTurnsError
	if errors.As(err, &mt) {
		fmt.Printf("stopped: %d call(s) pending\n", len(res.Pending))
	}
	res, err = r.Resume(context.Background(), res.ConversationID, run.TurnLimit(5))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Text())
	// Output:
	// stopped: 1 call(s) pending
	// It is 21°C in Paris
}

// A tool that requires confirmation stops a run without an approver; the
// deferral is JSON, and a later process continues it with decisions.
func ExampleWithDecisions() {
	srv := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("delete_file"); ok {
			return mistraltest.Respond(mistraltest.Text(res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("delete_file", map[string]string{"path": "/tmp/x"})), nil
	})
	defer srv.Close()
	client, _ := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))
	deleteFile := run.MustFunc("delete_file", "Deletes a file.", func(ctx context.Context, in struct {
		Path string `json:"path"`
	}) (string, error) {
		return "deleted " + in.Path, nil
	}).RequireConfirmation()
	r, _ := run.New(client, run.WithModel("mistral-medium-latest"), run.WithFunctions(deleteFile))
	defer r.Close()

	_, err := r.Run(context.Background(), mistral.TextInputs("Delete /tmp/x"))
	var de *run.DeferredError
	if !errors.As(err, &de) {
		log.Fatal(err)
	}
	state, _ := json.Marshal(de.Deferral) // store it; later, maybe elsewhere:

	var d run.Deferral
	_ = json.Unmarshal(state, &d)
	fmt.Println("waiting:", d.Calls[0].Name, d.Calls[0].Arguments)
	res, err := r.Resume(context.Background(), d.ConversationID, run.WithDecisions(&d, run.Approve(d.Calls[0].ToolCallID)))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Text())
	// Output:
	// waiting: delete_file {"path":"/tmp/x"}
	// deleted /tmp/x
}
