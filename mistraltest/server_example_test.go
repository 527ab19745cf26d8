package mistraltest_test

import (
	"context"
	"fmt"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
)

// A Script plays the model: here it calls get_weather once, then answers
// with the function's result. The test drives it with the real client.
func ExampleNewServer() {
	srv := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if res, ok := t.ResultOf("get_weather"); ok {
			return mistraltest.Respond(mistraltest.Text("It is " + res + " in Paris.")), nil
		}
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
	})
	defer srv.Close()

	c, _ := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))
	ctx := context.Background()
	tool := mistral.NewFunctionTool("get_weather", "Current weather", []byte(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`), true)
	resp, err := c.StartConversation(ctx, &mistral.ConversationRequest{Model: "mistral-medium-latest", Inputs: mistral.TextInputs("Weather in Paris?"), Tools: []mistral.Tool{tool}})
	if err != nil {
		fmt.Println(err)
		return
	}
	call := resp.Outputs[0].(*mistral.FunctionCallEntry)
	fmt.Println("model calls", call.Name, call.Arguments)

	resp, err = c.AppendConversation(ctx, resp.ConversationID, &mistral.AppendRequest{Inputs: mistral.EntryInputs(mistral.NewFunctionResult(call.ToolCallID, "21°C"))})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Outputs[0].(*mistral.MessageOutputEntry).Content.Text)
	// Output:
	// model calls get_weather {"city":"Paris"}
	// It is 21°C in Paris.
}
