//lint:file-ignore SA1019 sampling, deprecated in protocol 2026-07-28, is still what servers send.
package run_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

func sampleReq(maxTokens int64) *mcp.CreateMessageRequest {
	return &mcp.CreateMessageRequest{Params: &mcp.CreateMessageParams{
		MaxTokens: maxTokens,
		Messages:  []*mcp.SamplingMessage{{Role: "user", Content: &mcp.TextContent{Text: "spend"}}},
	}}
}

// maxTokensAsked returns the max_tokens of each request the API received.
func maxTokensAsked(t *testing.T, s *mistraltest.Server) []int {
	var out []int
	for _, r := range s.Requests() {
		var body struct {
			CompletionArgs struct {
				MaxTokens int `json:"max_tokens"`
			} `json:"completion_args"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		out = append(out, body.CompletionArgs.MaxTokens)
	}
	return out
}

// A server's sampling is the user's spend: max_tokens is capped, and a
// budget of requests and tokens refuses what goes past it without calling
// the model.
func TestSamplingBounds(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		r := mistraltest.Respond(mistraltest.Text("ok"))
		r.Usage = &mistraltest.Usage{PromptTokens: 100, CompletionTokens: 400}
		return r, nil
	})
	defer s.Close()
	c := newClient(t, s)
	ctx := context.Background()

	h := run.SamplingHandler(c, "m")
	if _, err := h(ctx, sampleReq(100_000)); err != nil {
		t.Fatal(err)
	}
	if got := maxTokensAsked(t, s); len(got) != 1 || got[0] != run.DefaultSamplingMaxTokens {
		t.Fatalf("max_tokens asked of the API: %v, want the default cap %d", got, run.DefaultSamplingMaxTokens)
	}

	h, err := run.NewSamplingHandler(c, "m", run.SamplingMaxTokens(300), run.SamplingBudget(3, 1200))
	if err != nil {
		t.Fatal(err)
	}
	// Each answer uses 500 tokens: the third request finds 200 left and
	// may use only those; the fourth finds none.
	for i, want := range []error{nil, nil, nil, run.ErrSamplingRefused} {
		if _, err := h(ctx, sampleReq(0)); !errors.Is(err, want) {
			t.Fatalf("request %d: %v, want %v", i+1, err, want)
		}
	}
	if got := maxTokensAsked(t, s)[1:]; len(got) != 3 || got[0] != 300 || got[1] != 300 || got[2] != 200 {
		t.Errorf("max_tokens asked: %v, want [300 300 200] (capped, then what the budget had left)", got)
	}

	asked := 0
	h, err = run.NewSamplingHandler(c, "m", run.SamplingApproval(func(_ context.Context, req *mcp.CreateMessageRequest) bool {
		asked++
		if req.Params.MaxTokens != run.DefaultSamplingMaxTokens {
			t.Errorf("approval saw max_tokens %d, want it capped", req.Params.MaxTokens)
		}
		return false
	}))
	if err != nil {
		t.Fatal(err)
	}
	before := len(s.Requests())
	if _, err := h(ctx, sampleReq(50_000)); !errors.Is(err, run.ErrSamplingRefused) || asked != 1 || len(s.Requests()) != before {
		t.Errorf("declined request: %v (asked %d, API requests %d→%d)", err, asked, before, len(s.Requests()))
	}
	for _, bad := range []run.SamplingOption{run.SamplingBudget(0, 1), run.SamplingMaxTokens(-1), run.SamplingApproval(nil), nil} {
		if _, err := run.NewSamplingHandler(c, "m", bad); err == nil {
			t.Error("an invalid SamplingOption is no error")
		}
	}
}
