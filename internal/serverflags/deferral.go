package serverflags

import (
	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/mcpclient"
)

// DeferRule says which tool calls --defer holds for approval, in the help
// of mcprun run --defer and mcprun worker --defer alike: one rule, said
// once.
const DeferRule = `all but the read-only tools of servers a config marks "trusted"`

// NeedsApproval is --defer's rule for the tools of s: every tool but the
// read-only ones (by their annotations) of a server the config marks
// trusted needs approval. A server's word that a tool only reads is taken
// only when the user trusts that server.
func NeedsApproval(s mcpconfig.Server) func(mcpclient.Tool) bool {
	trusted := s.Trusted
	return func(t mcpclient.Tool) bool {
		return !trusted || t.Annotations == nil || !t.Annotations.ReadOnlyHint
	}
}
