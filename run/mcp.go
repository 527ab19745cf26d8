package run

import (
	"github.com/mcprun/mcprun/mcpclient"
)

// An MCPOption configures how an MCP client's tools are offered to the model.
type MCPOption func(*mcpSource)

// Prefix puts p before the name of each of the client's tools (p + name, cut
// to the 64 characters Mistral allows), so that two servers with a tool of
// the same name can both be used.
func Prefix(p string) MCPOption { return func(s *mcpSource) { s.prefix = p } }

// Allow offers only the named tools (their MCP names) to the model.
func Allow(names ...string) MCPOption {
	return func(s *mcpSource) {
		if s.allow == nil {
			s.allow = map[string]bool{}
		}
		for _, n := range names {
			s.allow[n] = true
		}
	}
}

// Deny hides the named tools (their MCP names) from the model.
func Deny(names ...string) MCPOption {
	return func(s *mcpSource) {
		if s.deny == nil {
			s.deny = map[string]bool{}
		}
		for _, n := range names {
			s.deny[n] = true
		}
	}
}

// MaxConcurrent bounds how many calls to this server run at once, across
// all runs of the Runner (for servers that handle one request at a time, or
// rate-limit); the Runner's WithParallelism still bounds each turn.
func MaxConcurrent(n int) MCPOption {
	return func(s *mcpSource) {
		if n > 0 {
			s.sem = make(chan struct{}, n)
		}
	}
}

// mcpSource is one registered MCP client and its filter.
type mcpSource struct {
	client *mcpclient.Client
	prefix string
	allow  map[string]bool
	deny   map[string]bool
	sem    chan struct{} // nil: no per-server bound
}

func (s *mcpSource) offers(t mcpclient.Tool) bool {
	if s.deny[t.OriginalName] || s.deny[t.Name] {
		return false
	}
	if s.allow != nil {
		return s.allow[t.OriginalName] || s.allow[t.Name]
	}
	return true
}

func (s *mcpSource) exposedName(t mcpclient.Tool) string {
	n := s.prefix + t.Name
	if len(n) > 64 {
		n = n[:64]
	}
	return n
}
