package mistraltest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

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

// Sequence plays one reply per model turn. Here the API first fails with a
// 503, which the client retries by itself after its backoff; Requests shows
// both attempts.
func ExampleSequence() {
	srv := mistraltest.NewServer(mistraltest.Sequence(
		mistraltest.ServerError(503),
		mistraltest.Respond(mistraltest.Text("Hello.")),
	))
	defer srv.Close()

	c, _ := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"), mistral.WithRetryBackoff(time.Millisecond, 10*time.Millisecond))
	resp, err := c.StartConversation(context.Background(), &mistral.ConversationRequest{Model: "mistral-small-latest", Inputs: mistral.TextInputs("Hi")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Outputs[0].(*mistral.MessageOutputEntry).Content.Text)
	for _, r := range srv.Requests() {
		fmt.Println(r.Method, r.Path)
	}
	// Output:
	// Hello.
	// POST /v1/conversations
	// POST /v1/conversations
}

// Options configure the server; with WithAPIKey only that key is accepted.
// NewServer returns no error (as httptest.NewServer): an invalid option,
// such as WithDeltaSize(0), panics.
func ExampleWithAPIKey() {
	srv := mistraltest.NewServer(mistraltest.Echo(), mistraltest.WithAPIKey("right"), mistraltest.WithDeltaSize(4))
	defer srv.Close()

	c, _ := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("wrong"))
	_, err := c.StartConversation(context.Background(), &mistral.ConversationRequest{Model: "m", Inputs: mistral.TextInputs("Hi")})
	var apiErr *mistral.APIError
	fmt.Println(errors.As(err, &apiErr) && apiErr.StatusCode == 401)
	// Output: true
}

// A server not started yet: serve its Handler on a listener of your own,
// or Start it on 127.0.0.1. Conversation shows what the server stored.
func ExampleNewUnstartedServer() {
	srv := mistraltest.NewUnstartedServer(mistraltest.Echo())
	srv.Start()
	defer srv.Close()

	c, _ := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))
	resp, err := c.StartConversation(context.Background(), &mistral.ConversationRequest{Model: "m", Inputs: mistral.TextInputs("echo me")})
	if err != nil {
		fmt.Println(err)
		return
	}
	entries, _ := srv.Conversation(resp.ConversationID)
	for _, e := range entries {
		fmt.Println(e.Type, e.Content)
	}
	// Output:
	// message.input echo me
	// message.output echo me
}
