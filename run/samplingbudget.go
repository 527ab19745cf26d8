//lint:file-ignore SA1019 sampling, deprecated in protocol 2026-07-28, is still what servers send.
package run

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mistral"
)

// DefaultSamplingMaxTokens caps a sampling request's max_tokens unless
// [SamplingMaxTokens] says otherwise: a server asking for 100,000 gets
// this many.
const DefaultSamplingMaxTokens = 4096

// ErrSamplingRefused is matched by a sampling request refused by a bound
// or by the approval: the model was not called.
var ErrSamplingRefused = errors.New("run: sampling refused")

// A SamplingOption bounds what a server's sampling requests may spend of
// the user's model. Options validate their argument: [NewSamplingHandler]
// returns the error.
type SamplingOption func(*samplingBudget) error

// SamplingBudget bounds a handler's sampling over its life (one run of
// the CLI): at most requests requests and tokens tokens (the usage the API
// reports; a request is admitted only while tokens remain, with its
// max_tokens lowered to what remains). Both must be positive.
func SamplingBudget(requests, tokens int) SamplingOption {
	return func(b *samplingBudget) error {
		if requests < 1 || tokens < 1 {
			return fmt.Errorf("SamplingBudget(%d, %d): both must be positive", requests, tokens)
		}
		b.maxRequests, b.maxTokens = requests, tokens
		return nil
	}
}

// SamplingMaxTokens caps each request's max_tokens (a request that names
// none, or more, gets n). The default is [DefaultSamplingMaxTokens]; n
// must be positive.
func SamplingMaxTokens(n int) SamplingOption {
	return func(b *samplingBudget) error {
		if n < 1 {
			return fmt.Errorf("SamplingMaxTokens(%d): must be positive", n)
		}
		b.maxTokensPerRequest = n
		return nil
	}
}

// SamplingApproval asks approve before each request the bounds admit,
// with max_tokens already capped: false refuses it (the CLI's --confirm
// asks the user). approve must not be nil.
func SamplingApproval(approve func(ctx context.Context, req *mcp.CreateMessageRequest) bool) SamplingOption {
	return func(b *samplingBudget) error {
		if approve == nil {
			return errors.New("SamplingApproval: nil function")
		}
		b.approve = approve
		return nil
	}
}

// samplingBudget is one handler's bounds and what it spent.
type samplingBudget struct {
	maxRequests, maxTokens, maxTokensPerRequest int
	approve                                     func(context.Context, *mcp.CreateMessageRequest) bool

	mu               sync.Mutex
	requests, tokens int // spent, or reserved by requests in flight
}

// admit reserves a request and its tokens, or refuses it. It returns the
// max_tokens to ask the model for.
func (b *samplingBudget) admit(ctx context.Context, req *mcp.CreateMessageRequest) (int, error) {
	n := b.maxTokensPerRequest
	if asked := int(req.Params.MaxTokens); asked > 0 && asked < n {
		n = asked
	}
	b.mu.Lock()
	switch {
	case b.maxRequests > 0 && b.requests >= b.maxRequests:
		b.mu.Unlock()
		return 0, fmt.Errorf("%w: the budget of %d sampling requests is spent", ErrSamplingRefused, b.maxRequests)
	case b.maxTokens > 0 && b.tokens >= b.maxTokens:
		b.mu.Unlock()
		return 0, fmt.Errorf("%w: the budget of %d sampling tokens is spent", ErrSamplingRefused, b.maxTokens)
	}
	if b.maxTokens > 0 {
		n = min(n, b.maxTokens-b.tokens)
	}
	b.requests++
	b.tokens += n
	b.mu.Unlock()
	if b.approve != nil {
		capped := *req
		params := *req.Params
		params.MaxTokens = int64(n)
		capped.Params = &params
		if !b.approve(ctx, &capped) {
			b.release(n)
			return 0, fmt.Errorf("%w: not approved", ErrSamplingRefused)
		}
	}
	return n, nil
}

// release returns a refused request's reservation.
func (b *samplingBudget) release(reserved int) {
	b.mu.Lock()
	b.requests--
	b.tokens -= reserved
	b.mu.Unlock()
}

// spent replaces a request's reservation by its usage (all of the
// reservation when the API reported none).
func (b *samplingBudget) spent(reserved int, u mistral.Usage) {
	if u.TotalTokens == 0 {
		return
	}
	b.mu.Lock()
	b.tokens += u.TotalTokens - reserved
	b.mu.Unlock()
}
