package mistraltest_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
)

// A call the API holds for confirmation is answered by tool_confirmations,
// never by a function result; the script sees the answer.
func TestPendingCallAnsweredByConfirmation(t *testing.T) {
	var seen map[string]string
	s := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		if turn.TurnInConversation == 0 {
			return mistraltest.Respond(mistraltest.PendingCall("web_search", map[string]string{"q": "go"})), nil
		}
		seen = turn.Confirmations
		return mistraltest.Respond(mistraltest.Text("done")), nil
	})
	defer s.Close()
	c := client(t, s)
	ctx := context.Background()
	resp, err := c.StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	call := resp.Outputs[0].(*mistral.FunctionCallEntry)
	if call.ConfirmationStatus != "pending" {
		t.Fatalf("confirmation_status %q", call.ConfirmationStatus)
	}
	id := resp.ConversationID
	// A function result for it is refused, as is an append that ignores it.
	_, err = c.AppendConversation(ctx, id, &mistral.AppendRequest{Inputs: mistral.EntryInputs(mistral.NewFunctionResult(call.ToolCallID, "r"))})
	if !isStatus(err, 400) {
		t.Fatalf("function result for a call awaiting confirmation: %v", err)
	}
	_, err = c.AppendConversation(ctx, id, &mistral.AppendRequest{Inputs: mistral.TextInputs("go on")})
	if !isStatus(err, 400) {
		t.Fatalf("append leaving the confirmation out: %v", err)
	}
	_, err = c.AppendConversation(ctx, id, &mistral.AppendRequest{ToolConfirmations: []mistral.ToolCallConfirmation{{ToolCallID: "nope", Confirmation: "allow"}}})
	if !isStatus(err, 400) {
		t.Fatalf("confirmation of an unknown call: %v", err)
	}
	// Confirmations alone, without inputs, are an append.
	_, err = c.AppendConversation(ctx, id, &mistral.AppendRequest{ToolConfirmations: []mistral.ToolCallConfirmation{{ToolCallID: call.ToolCallID, Confirmation: "deny"}}})
	if err != nil {
		t.Fatal(err)
	}
	if seen[call.ToolCallID] != "deny" {
		t.Errorf("script saw confirmations %v", seen)
	}
	entries, _ := s.Conversation(id)
	if entries[1].ConfirmationStatus != "denied" {
		t.Errorf("stored status %q", entries[1].ConfirmationStatus)
	}
	// Once answered it awaits nothing: a plain append goes through.
	if _, err := c.AppendConversation(ctx, id, &mistral.AppendRequest{Inputs: mistral.TextInputs("again")}); err != nil {
		t.Fatal(err)
	}
}

// Function results must keep answering every pending call, as the API
// demands, on every append.
func TestAppendLeavingCallsUnansweredRefused(t *testing.T) {
	s := mistraltest.NewServer(weather)
	defer s.Close()
	c := client(t, s)
	ctx := context.Background()
	resp, err := c.StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m", Tools: []mistral.Tool{weatherTool}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // refused, and refused again: nothing was consumed
		_, err = c.AppendConversation(ctx, resp.ConversationID, &mistral.AppendRequest{Inputs: mistral.TextInputs("please continue")})
		var ae *mistral.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 400 {
			t.Fatalf("append without results: %v", err)
		}
	}
}

// A stalled turn sends nothing (or a few events, streamed) until the client
// gives up; the conversation is not stored.
func TestStall(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Sequence(
		&mistraltest.Reply{Stall: true},
		&mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("a long answer that stalls")}, Stall: true, StallAfterEvents: 2},
	))
	defer s.Close()
	c := client(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := c.StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("stalled answer: %v", err)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	n := 0
	var last error
	for ev, err := range c.StartConversationStream(ctx2, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m"}) {
		if ev != nil {
			n++
		}
		last = err
	}
	if n != 2 || !errors.Is(last, context.DeadlineExceeded) {
		t.Fatalf("stalled stream: %d events, %v", n, last)
	}
}

func isStatus(err error, status int) bool {
	var ae *mistral.APIError
	return errors.As(err, &ae) && ae.StatusCode == status
}
