package mistral_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
)

// A streamed conversation: text arrives as message.output.delta events and the
// stream ends with conversation.response.done. The server here is mistraltest;
// against the real API, drop WithServerURL and set MISTRAL_API_KEY.
func ExampleClient_StartConversationStream() {
	srv := mistraltest.NewServer(mistraltest.Sequence(
		mistraltest.Respond(mistraltest.Text("Bonjour from a streamed reply.")),
	), mistraltest.WithDeltaSize(8))
	defer srv.Close()

	client, err := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))
	if err != nil {
		fmt.Println(err)
		return
	}
	var text strings.Builder
	for ev, err := range client.StartConversationStream(context.Background(), &mistral.ConversationRequest{
		Model:  "mistral-medium-latest",
		Inputs: mistral.TextInputs("Say hello in French."),
	}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		switch ev := ev.(type) {
		case *mistral.MessageOutputDeltaEvent:
			text.WriteString(ev.Content.Text)
		case *mistral.ResponseDoneEvent:
			fmt.Println("done, tokens used:", ev.Usage.TotalTokens > 0)
		}
	}
	fmt.Println(text.String())
	// Output:
	// done, tokens used: true
	// Bonjour from a streamed reply.
}

// A non-streamed conversation continued with Append.
func ExampleClient_AppendConversation() {
	srv := mistraltest.NewServer(mistraltest.Echo())
	defer srv.Close()
	client, _ := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))
	ctx := context.Background()

	resp, err := client.StartConversation(ctx, &mistral.ConversationRequest{Model: "mistral-small-latest", Inputs: mistral.TextInputs("one")})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err = client.AppendConversation(ctx, resp.ConversationID, &mistral.AppendRequest{Inputs: mistral.TextInputs("two")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Outputs[0].(*mistral.MessageOutputEntry).Content.Text)
	// Output: two
}
