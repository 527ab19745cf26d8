package serverflags

import (
	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/run"
)

// The sampling bounds of each server unless its config entry's "sampling"
// says otherwise: over one mcprun command, or one window of a worker.
const (
	DefaultSamplingRequests = 10
	DefaultSamplingTokens   = 20000
)

// Sampling is what a server may ask of the model (sampling).
type Sampling struct {
	Allow      bool // whether it may ask at all
	Requests   int  // requests in all
	Tokens     int  // tokens in all
	PerRequest int  // tokens a request
}

// SamplingOf is the sampling a server gets: stdio servers (the user's own
// programs) may by default, remote ones only with allowRemote
// (--allow-sampling); its config entry's "sampling" overrides both and
// sets the bounds.
func SamplingOf(s mcpconfig.Server, allowRemote bool) Sampling {
	out := Sampling{
		Allow:      s.Transport == mcpconfig.Stdio || allowRemote,
		Requests:   DefaultSamplingRequests,
		Tokens:     DefaultSamplingTokens,
		PerRequest: run.DefaultSamplingMaxTokens,
	}
	if sc := s.Sampling; sc != nil {
		if sc.Allow != nil {
			out.Allow = *sc.Allow
		}
		out.Requests = positiveOr(sc.MaxRequests, out.Requests)
		out.Tokens = positiveOr(sc.MaxTokens, out.Tokens)
		out.PerRequest = positiveOr(sc.MaxTokensPerRequest, out.PerRequest)
	}
	return out
}

func positiveOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
