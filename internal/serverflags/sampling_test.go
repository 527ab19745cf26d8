package serverflags

import (
	"testing"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/run"
)

func TestSamplingOf(t *testing.T) {
	no, yes := false, true
	defaults := Sampling{Allow: true, Requests: DefaultSamplingRequests, Tokens: DefaultSamplingTokens, PerRequest: run.DefaultSamplingMaxTokens}
	for _, tc := range []struct {
		name        string
		s           mcpconfig.Server
		allowRemote bool
		want        Sampling
	}{
		{"stdio by default", mcpconfig.Server{Transport: mcpconfig.Stdio}, false, defaults},
		{"remote not by default", mcpconfig.Server{Transport: mcpconfig.HTTP}, false, Sampling{Requests: 10, Tokens: 20000, PerRequest: run.DefaultSamplingMaxTokens}},
		{"remote with --allow-sampling", mcpconfig.Server{Transport: mcpconfig.SSE}, true, defaults},
		{"the entry refuses", mcpconfig.Server{Transport: mcpconfig.Stdio, Sampling: &mcpconfig.Sampling{Allow: &no}}, false, Sampling{Requests: 10, Tokens: 20000, PerRequest: run.DefaultSamplingMaxTokens}},
		{"the entry allows and bounds", mcpconfig.Server{Transport: mcpconfig.HTTP, Sampling: &mcpconfig.Sampling{Allow: &yes, MaxRequests: 3, MaxTokens: 500, MaxTokensPerRequest: 100}}, false, Sampling{Allow: true, Requests: 3, Tokens: 500, PerRequest: 100}},
		{"zero bounds are the defaults", mcpconfig.Server{Transport: mcpconfig.Stdio, Sampling: &mcpconfig.Sampling{MaxTokens: 0}}, false, defaults},
	} {
		if got := SamplingOf(tc.s, tc.allowRemote); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
