package run

import (
	"fmt"

	"github.com/mcprun/mcprun/internal/trunc"
	"github.com/mcprun/mcprun/mcpclient"
)

// DefaultMaxResultBytes bounds each tool result the model reads (64 KiB,
// about 16k tokens at ~4 bytes a token). Mistral's models have 128k-token
// contexts (some 32k); one result may take an eighth of the larger one, the
// share Claude Code allows an MCP result (25k of 200k tokens), so that a
// turn of a few calls leaves room for the conversation. A tool that dumps a
// file or a page is cut with a note the model can act on (ask for less).
const DefaultMaxResultBytes = 64 << 10

// WithMaxResultBytes bounds the text of each tool result the model reads,
// Go functions' and MCP tools' alike (see [DefaultMaxResultBytes]; an MCP
// server's own [MaxResultBytes] takes precedence for its tools). A longer
// result is cut on a character boundary and ends with a note saying how
// much was left out. n must be between 1 and [mcpclient.MaxResultText]
// (the bound of a rendered MCP result).
func WithMaxResultBytes(n int) Option {
	return func(c *config) error {
		if err := checkResultCap("WithMaxResultBytes", n); err != nil {
			return err
		}
		c.maxResult = n
		return nil
	}
}

// MaxResultBytes bounds the text of each result of this server's tools that
// the model reads, in place of the Runner's [WithMaxResultBytes]. n must be
// between 1 and [mcpclient.MaxResultText].
func MaxResultBytes(n int) MCPOption {
	return func(s *mcpSource) error {
		if err := checkResultCap("MaxResultBytes", n); err != nil {
			return err
		}
		s.maxResult = n
		return nil
	}
}

func checkResultCap(option string, n int) error {
	if n < 1 || n > mcpclient.MaxResultText {
		return fmt.Errorf("run: %s(%d): want 1 to %d bytes", option, n, mcpclient.MaxResultText)
	}
	return nil
}

// resultCap is the cap of a call's result.
func (r *Runner) resultCap(ref toolRef) int {
	if ref.src != nil && ref.src.maxResult > 0 {
		return ref.src.maxResult
	}
	if r.cfg.maxResult > 0 {
		return r.cfg.maxResult
	}
	return DefaultMaxResultBytes
}

// capResult cuts text to n bytes, with a note for the model.
func capResult(text string, n int) string {
	if len(text) <= n {
		return text
	}
	kept := trunc.Cut(text, n, "")
	return kept + fmt.Sprintf("\n[... result truncated: %d of %d bytes omitted; results are capped at %d bytes]", len(text)-len(kept), len(text), n)
}
