package run

import (
	"errors"
	"fmt"

	"github.com/mcprun/mcprun/mcpclient"
)

// An MCPOption configures how an MCP client's tools are offered to the model
// (see [WithMCP]). An invalid MCPOption makes [New] fail.
type MCPOption func(*mcpSource) error

// Allow offers only the named tools (their MCP names) to the model. It needs
// at least one name, and no name may be empty.
func Allow(names ...string) MCPOption {
	return func(s *mcpSource) error {
		if err := checkToolNames("Allow", names); err != nil {
			return err
		}
		if s.allow == nil {
			s.allow = map[string]bool{}
		}
		for _, n := range names {
			s.allow[n] = true
		}
		return nil
	}
}

// Deny hides the named tools (their MCP names) from the model. It needs at
// least one name, and no name may be empty.
func Deny(names ...string) MCPOption {
	return func(s *mcpSource) error {
		if err := checkToolNames("Deny", names); err != nil {
			return err
		}
		if s.deny == nil {
			s.deny = map[string]bool{}
		}
		for _, n := range names {
			s.deny[n] = true
		}
		return nil
	}
}

func checkToolNames(option string, names []string) error {
	if len(names) == 0 {
		return fmt.Errorf("run: %s: no tool names", option)
	}
	for _, n := range names {
		if n == "" {
			return fmt.Errorf("run: %s: empty tool name", option)
		}
	}
	return nil
}

// MaxConcurrent bounds how many calls to this server run at once, across
// all runs of the Runner (for servers that handle one request at a time, or
// rate-limit); the Runner's WithParallelism still bounds each turn. Without
// it, calls to the server are bounded only by WithParallelism. n must be at
// least 1.
func MaxConcurrent(n int) MCPOption {
	return func(s *mcpSource) error {
		if n < 1 {
			return fmt.Errorf("run: MaxConcurrent(%d): must be at least 1", n)
		}
		s.sem = make(chan struct{}, n)
		return nil
	}
}

var errNilMCPOption = errors.New("run: nil MCPOption")

// mcpSource is one registered MCP client and its filter.
type mcpSource struct {
	client    *mcpclient.Client
	prefix    string // valid, unique among the Runner's sources (Prefix)
	rawPrefix string // as given
	allow     map[string]bool
	deny      map[string]bool
	sem       chan struct{} // nil: no per-server bound
	// maxResult caps its results (MaxResultBytes); 0: the Runner's.
	maxResult int
	// Tools whose calls wait for a decision (RequireConfirmation,
	// RequireConfirmationIf).
	confirm   map[string]bool
	confirmIf func(mcpclient.Tool) bool
}

// confirms reports whether calls of t wait for a decision.
func (s *mcpSource) confirms(t mcpclient.Tool) bool {
	return s.confirm[t.OriginalName] || s.confirm[t.Name] || (s.confirmIf != nil && s.confirmIf(t))
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
	return exposedName(s.prefix, t.Name)
}
