package mistral_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
)

// Bounds on a silent or rate-limiting API: WithRetryLimits caps the wait
// before a retry, Retry-After included, so an API asking to wait an hour
// fails the request at once (ErrRetryBudget, with the API's 429) instead of
// sleeping; WithIdleTimeout ends a request whose answer sends nothing for
// that long (ErrIdleTimeout).
func ExampleWithRetryLimits() {
	srv := mistraltest.NewServer(mistraltest.Sequence(mistraltest.RateLimited(time.Hour)))
	defer srv.Close()
	client, err := mistral.NewClient(mistral.WithServerURL(srv.URL), mistral.WithAPIKey("test-key"),
		mistral.WithRetryLimits(time.Minute, 5*time.Minute), mistral.WithIdleTimeout(30*time.Second))
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.StartConversation(context.Background(), &mistral.ConversationRequest{
		Model: "mistral-medium-latest", Inputs: mistral.TextInputs("Hello"),
	})
	var apiErr *mistral.APIError
	fmt.Println(errors.Is(err, mistral.ErrRetryBudget), errors.As(err, &apiErr) && apiErr.StatusCode == 429)
	// Output:
	// true true
}
