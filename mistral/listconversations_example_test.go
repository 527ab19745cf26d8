package mistral_test

import (
	"context"
	"fmt"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
)

// Conversations can carry metadata when they start, and be found by it
// later: here the one a job started, among others.
func ExampleClient_ListConversations() {
	srv := mistraltest.NewServer(mistraltest.Echo())
	defer srv.Close()
	client, err := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for _, job := range []string{"nightly", "weekly"} {
		if _, err := client.StartConversation(ctx, &mistral.ConversationRequest{
			Model: "mistral-medium-latest", Inputs: mistral.TextInputs("Summarise the " + job + " report."),
			Metadata: map[string]any{"job": job},
		}); err != nil {
			fmt.Println(err)
			return
		}
	}
	convs, err := client.ListConversations(ctx, &mistral.ListConversationsParams{Metadata: map[string]any{"job": "weekly"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(convs), convs[0].ID != "")
	// Output:
	// 1 true
}
