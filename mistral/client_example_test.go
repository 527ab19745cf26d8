package mistral_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
)

// A streamed conversation: text arrives as message.output.delta events and the
// stream ends with conversation.response.done. The server here is mistraltest;
// against the real API, build the client with FromEnv and MISTRAL_API_KEY set.
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

// A client for the Mistral API, configured from the environment as a
// command-line program does: FromEnv reads MISTRAL_API_KEY (and
// MISTRAL_SERVER_URL, when set); NewClient alone reads nothing. Options
// apply in order, so the flag given after FromEnv wins. Not run: it needs a
// key.
func ExampleFromEnv() {
	serverFlag := "" // e.g. from a --server-url flag
	opts := []mistral.Option{mistral.FromEnv()}
	if serverFlag != "" {
		opts = append(opts, mistral.WithServerURL(serverFlag))
	}
	client, err := mistral.NewClient(opts...)
	if errors.Is(err, mistral.ErrNoAPIKey) {
		fmt.Println("set MISTRAL_API_KEY")
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(client.ServerURL())
}

// Options check their arguments: an invalid one is an error from NewClient,
// never a silent default.
func ExampleNewClient() {
	srv := mistraltest.NewServer(mistraltest.Echo())
	defer srv.Close()

	_, err := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithMaxRetries(-1))
	fmt.Println(err)

	client, err := mistral.NewClient(
		mistral.WithServerURL(srv.URL),
		mistral.WithAPIKey("test-key"),
		mistral.WithMaxRetries(2),
		mistral.WithRetryBackoff(100*time.Millisecond, 5*time.Second),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := client.StartConversation(context.Background(), &mistral.ConversationRequest{
		Model:  "mistral-small-latest",
		Inputs: mistral.TextInputs("ping"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Outputs[0].(*mistral.MessageOutputEntry).Content.Text)
	// Output:
	// mistral: WithMaxRetries: negative count -1
	// ping
}

// An error answer is an *APIError; Retryable says whether the same request
// may succeed later (the client has already retried it WithMaxRetries
// times). A failed call returns a nil response.
func ExampleAPIError() {
	srv := mistraltest.NewServer(mistraltest.Sequence(mistraltest.RateLimited(2 * time.Second)))
	defer srv.Close()
	client, _ := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"), mistral.WithMaxRetries(0))

	resp, err := client.StartConversation(context.Background(), &mistral.ConversationRequest{
		Model:  "mistral-small-latest",
		Inputs: mistral.TextInputs("hello"),
	})
	var apiErr *mistral.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(resp == nil, apiErr.StatusCode, apiErr.Retryable(), apiErr.RetryAfter)
	}
	// Output: true 429 true 2s
}

// Entry is a closed sum type: switch on the Go type. An entry type this
// package does not know yet is an *UnknownEntry that keeps its JSON.
func ExampleEntry() {
	var history mistral.Entries
	_ = json.Unmarshal([]byte(`[
		{"object":"entry","type":"message.input","role":"user","content":"Weather in Paris?"},
		{"object":"entry","type":"function.call","tool_call_id":"c1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
		{"object":"entry","type":"function.result","tool_call_id":"c1","result":"21°C"},
		{"object":"entry","type":"message.output","role":"assistant","content":"It is 21°C."},
		{"object":"entry","type":"some.future.entry","x":1}
	]`), &history)
	for _, e := range history {
		switch e := e.(type) {
		case *mistral.MessageInputEntry:
			fmt.Println("user:", e.Content.Text)
		case *mistral.FunctionCallEntry:
			fmt.Println("call:", e.Name, e.Arguments)
		case *mistral.FunctionResultEntry:
			fmt.Println("result:", e.Result)
		case *mistral.MessageOutputEntry:
			fmt.Println("model:", e.Content.Text)
		case *mistral.UnknownEntry:
			fmt.Println("unknown:", e.EntryType(), string(e.Raw()))
		}
	}
	// Output:
	// user: Weather in Paris?
	// call: get_weather {"city":"Paris"}
	// result: 21°C
	// model: It is 21°C.
	// unknown: some.future.entry {"object":"entry","type":"some.future.entry","x":1}
}

// Agents: create one, then start conversations with its id.
func ExampleClient_CreateAgent() {
	srv := mistraltest.NewServer(mistraltest.Echo())
	defer srv.Close()
	client, _ := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))
	ctx := context.Background()

	agent, err := client.CreateAgent(ctx, &mistral.CreateAgentRequest{
		Model:        "mistral-medium-latest",
		Name:         "echo",
		Instructions: "Repeat the user.",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := client.StartConversation(ctx, &mistral.ConversationRequest{AgentID: agent.ID, Inputs: mistral.TextInputs("hi")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(agent.Name, resp.Outputs[0].(*mistral.MessageOutputEntry).Content.Text)
	// Output: echo hi
}
