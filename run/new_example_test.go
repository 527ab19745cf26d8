package run_test

import (
	"context"
	"fmt"
	"log"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// New takes the client and options; an invalid option is an error naming
// it, and New does no I/O.
func ExampleNew() {
	client, err := mistral.NewClient(mistral.WithAPIKey("key"))
	if err != nil {
		log.Fatal(err)
	}
	r, err := run.New(client, run.WithModel("mistral-medium-latest"), run.WithMaxTurns(5))
	fmt.Println(err)
	defer r.Close()

	_, err = run.New(client, run.WithModel("mistral-medium-latest"), run.WithParallelism(0))
	fmt.Println(err)
	_, err = run.New(client, run.WithModel("mistral-medium-latest"), run.WithAgent("ag_123"))
	fmt.Println(err)
	// Output:
	// <nil>
	// run: parallelism must be at least 1
	// run: set a model or an agent, not both
}

// A chat: one Runner, and each turn continues the conversation of the last.
func ExampleInConversation() {
	client, srv := exampleAPI(mistraltest.Echo())
	defer srv.Close()
	r, err := run.New(client, run.WithModel("mistral-medium-latest"))
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()

	ctx := context.Background()
	var id string
	for _, line := range []string{"Hello.", "And again."} {
		var opts []run.CallOption
		if id != "" {
			opts = append(opts, run.InConversation(id))
		}
		res, err := r.Run(ctx, mistral.TextInputs(line), opts...)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Text())
		id = res.ConversationID
	}
	entries, _ := srv.Conversation(id)
	fmt.Println(len(entries), "entries in one conversation")
	// Output:
	// Hello.
	// And again.
	// 4 entries in one conversation
}
