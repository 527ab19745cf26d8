package run_test

import (
	"context"
	"fmt"
	"log"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// An approval hook sees each call before it runs; a denied call's reason
// goes to the model as its result. Hooks see every call the model makes,
// OnToolStart before the approval is asked.
func ExampleWithApproval() {
	client, srv := exampleAPI(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("delete_file"); ok {
			return mistraltest.Respond(mistraltest.Text("The tool said: " + res)), nil
		}
		return mistraltest.Respond(mistraltest.Call("delete_file", map[string]string{"path": "/etc/passwd"})), nil
	})
	defer srv.Close()
	deleteFile := run.MustFunc("delete_file", "Deletes a file.", func(ctx context.Context, in struct {
		Path string `json:"path"`
	}) (string, error) {
		return "deleted " + in.Path, nil
	})
	r, err := run.New(client, run.WithModel("mistral-medium-latest"), run.WithFunctions(deleteFile),
		run.WithApproval(func(ctx context.Context, call run.ToolCall) (bool, string) {
			fmt.Printf("asked: %s %s\n", call.Name, call.Arguments)
			return false, "not on this machine"
		}),
		run.WithHooks(run.Hooks{OnToolStart: func(ctx context.Context, call run.ToolCall) {
			fmt.Println("started:", call.Name)
		}}))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()
	res, err := r.Run(context.Background(), mistral.TextInputs("Delete /etc/passwd."))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Text())
	// Output:
	// started: delete_file
	// asked: delete_file {"path":"/etc/passwd"}
	// The tool said: Tool call denied: not on this machine
}
