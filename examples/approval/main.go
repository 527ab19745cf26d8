// Command approval shows a run that waits for a person: a tool that sends
// email requires confirmation, so the run stops there with its state saved
// to a file; a second step, in another process and maybe much later,
// approves (or denies) the call and finishes the run. Nothing runs twice:
// the contact lookup of the same turn ran before the stop and its result
// travels in the saved state.
//
// With MISTRAL_API_KEY set:
//
//	go run ./examples/approval -prompt "Email Ada that the build is green."
//	go run ./examples/approval -approve            # or: -deny CALL_ID -reason "not now"
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

func main() {
	prompt := flag.String("prompt", "Email Ada that the build is green.", "what to ask (first step)")
	state := flag.String("state", "approval.json", "where the waiting run is kept between the steps")
	approve := flag.Bool("approve", false, "second step: approve the waiting calls and finish the run")
	deny := flag.String("deny", "", "second step: deny the call of this `CALL_ID` (the others are approved)")
	reason := flag.String("reason", "the user said no", "what the model is told about a denied call")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	client, err := mistral.NewClient(mistral.FromEnv()) // MISTRAL_API_KEY, MISTRAL_SERVER_URL
	if err != nil {
		log.Fatal(err)
	}
	if *approve || *deny != "" {
		err = finish(ctx, client, os.Stdout, *state, *deny, *reason)
	} else {
		err = start(ctx, client, os.Stdout, *state, *prompt)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// outbox stands for a mail server: send_email appends to it.
var outbox io.Writer = os.Stderr

// newRunner returns a Runner with the example's tools: both steps must
// have the same ones (the saved state is checked against them).
func newRunner(client *mistral.Client) (*run.Runner, error) {
	lookup, err := run.NewFunc("lookup_contact", "The email address of a contact.",
		func(ctx context.Context, in struct {
			Name string `json:"name"`
		}) (string, error) {
			return map[string]string{"Ada": "ada@example.com"}[in.Name], nil
		})
	if err != nil {
		return nil, err
	}
	send, err := run.NewFunc("send_email", "Sends an email.",
		func(ctx context.Context, in struct {
			To      string `json:"to"`
			Subject string `json:"subject"`
		}) (string, error) {
			fmt.Fprintf(outbox, "sent to %s: %s\n", in.To, in.Subject)
			return "sent", nil
		})
	if err != nil {
		return nil, err
	}
	return run.New(client,
		run.WithModel("mistral-medium-latest"),
		run.WithFunctions(lookup, send.RequireConfirmation()), // no WithApproval: the run defers
	)
}

// start runs prompt until a call needs approval, and saves the run's state.
func start(ctx context.Context, client *mistral.Client, out io.Writer, statePath, prompt string) error {
	r, err := newRunner(client)
	if err != nil {
		return err
	}
	defer r.Close()
	res, err := r.Run(ctx, mistral.TextInputs(prompt))
	var de *run.DeferredError
	switch {
	case errors.As(err, &de):
	case err != nil:
		return err
	default:
		fmt.Fprintln(out, res.Text()) // nothing needed approval
		return nil
	}
	b, err := json.MarshalIndent(de.Deferral, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(statePath, b, 0o600); err != nil {
		return err
	}
	for _, c := range de.Deferral.Calls {
		fmt.Fprintf(out, "waiting for approval: %s %s %s\n", c.ToolCallID, c.Name, c.Arguments)
	}
	fmt.Fprintf(out, "saved in %s\n", statePath)
	return nil
}

// finish reads the saved state and continues the run with a new Runner:
// every waiting call is approved but deny.
func finish(ctx context.Context, client *mistral.Client, out io.Writer, statePath, deny, reason string) error {
	b, err := os.ReadFile(statePath)
	if err != nil {
		return err
	}
	var d run.Deferral
	if err := json.Unmarshal(b, &d); err != nil {
		return err
	}
	var decisions []run.Decision
	for _, c := range d.Calls {
		if c.ToolCallID == deny {
			decisions = append(decisions, run.Reject(c.ToolCallID, reason))
		} else {
			decisions = append(decisions, run.Approve(c.ToolCallID))
		}
	}
	r, err := newRunner(client)
	if err != nil {
		return err
	}
	defer r.Close()
	res, err := r.Resume(ctx, d.ConversationID, run.WithDecisions(&d, decisions...))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, res.Text())
	return os.Remove(statePath)
}
