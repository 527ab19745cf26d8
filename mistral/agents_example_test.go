package mistral_test

import (
	"context"
	"fmt"
	"slices"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
)

// Every agent, a page at a time (GET /v1/agents/pages): AllAgents follows
// the pages; ListAgentsPage reads one.
func ExampleClient_AllAgents() {
	srv := mistraltest.NewServer(nil) // agents only: no model turns
	defer srv.Close()
	client, err := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for _, name := range []string{"weather teller", "translator", "reviewer"} {
		if _, err := client.CreateAgent(ctx, &mistral.CreateAgentRequest{Model: "mistral-medium-latest", Name: name}); err != nil {
			fmt.Println(err)
			return
		}
	}
	var names []string
	for agent, err := range client.AllAgents(ctx, 2) { // two pages of two at most
		if err != nil {
			fmt.Println(err)
			return
		}
		names = append(names, agent.Name)
	}
	slices.Sort(names)
	fmt.Println(names)
	// Output:
	// [reviewer translator weather teller]
}
