package mistraltest_test

import (
	"context"
	"fmt"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
)

// A call the API itself holds for confirmation (a tool configured with
// requires_confirmation): the client must not execute it, and answers it
// with tool_confirmations; the script sees the answer in Turn.Confirmations.
func ExamplePendingCall() {
	srv := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		for id, answer := range t.Confirmations {
			return mistraltest.Respond(mistraltest.Text("call " + id + ": " + answer)), nil
		}
		return mistraltest.Respond(mistraltest.PendingCall("delete_repo", map[string]string{"name": "demo"})), nil
	})
	defer srv.Close()
	client, err := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	resp, err := client.StartConversation(ctx, &mistral.ConversationRequest{
		Model: "mistral-medium-latest", Inputs: mistral.TextInputs("Delete the demo repository."),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	call := resp.Outputs[0].(*mistral.FunctionCallEntry)
	fmt.Println(call.Name, call.ConfirmationStatus)

	resp, err = client.AppendConversation(ctx, resp.ConversationID, &mistral.AppendRequest{
		ToolConfirmations: []mistral.ToolCallConfirmation{{ToolCallID: call.ToolCallID, Confirmation: "deny"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Outputs[len(resp.Outputs)-1].(*mistral.MessageOutputEntry).Content.Text == "call "+call.ToolCallID+": deny")
	// Output:
	// delete_repo pending
	// true
}
