package serverflags

import (
	"flag"
	"fmt"
	"strings"

	"github.com/mcprun/mcprun/internal/mcpconfig"
)

// Flags are the server flags' values: --stdio commands, --sse and --http
// URLs.
type Flags struct {
	Stdio, SSE, HTTP List
}

// Servers returns configured (a config file's servers, kept as they are)
// followed by the servers of the flags: a --stdio server named by [Name],
// a remote one by its host. A name given twice gets -2, -3… after its
// second and later uses, so that each picks one server (`mcprun call`).
// getenv expands $VAR in --stdio commands.
func (f *Flags) Servers(configured []mcpconfig.Server, getenv func(string) string) ([]mcpconfig.Server, error) {
	out := append([]mcpconfig.Server(nil), configured...)
	for _, s := range f.Stdio {
		words, err := Words(s, getenv)
		if err != nil {
			return nil, fmt.Errorf("--stdio %q: %w", s, err)
		}
		if len(words) == 0 {
			return nil, fmt.Errorf("--stdio: empty command")
		}
		out = append(out, mcpconfig.Server{Name: Name(words), Transport: mcpconfig.Stdio, Command: words[0], Args: words[1:]})
	}
	for _, u := range f.SSE {
		out = append(out, mcpconfig.Server{Name: HostName(u), Transport: mcpconfig.SSE, URL: u})
	}
	for _, u := range f.HTTP {
		out = append(out, mcpconfig.Server{Name: HostName(u), Transport: mcpconfig.HTTP, URL: u})
	}
	Unique(out)
	return out, nil
}

// Unique renames the second and later servers of one name NAME-2,
// NAME-3… in place.
func Unique(servers []mcpconfig.Server) {
	seen := map[string]int{}
	for i := range servers {
		seen[servers[i].Name]++
		if n := seen[servers[i].Name]; n > 1 {
			servers[i].Name = fmt.Sprintf("%s-%d", servers[i].Name, n)
		}
	}
}

// HostName names a remote server by its URL's host (and port).
func HostName(u string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	return s
}

// Register defines --stdio, --sse and --http on fs. stdioNote, when not
// empty, is said of --stdio servers in its usage (where they run).
func (f *Flags) Register(fs *flag.FlagSet, stdioNote string) {
	if stdioNote != "" {
		stdioNote += "; "
	}
	fs.Var(&f.Stdio, "stdio", "a stdio MCP server: `\"CMD ARGS\"`, split as a shell splits words (no shell is run); named after the package, module, image or script a launcher (npx, uvx, docker run, node, python -m…) runs, else after CMD; "+stdioNote+"repeatable")
	f.RegisterRemote(fs)
}

// RegisterRemote defines --sse and --http on fs alone, for a command that
// has no use for stdio servers (mcprun auth login).
func (f *Flags) RegisterRemote(fs *flag.FlagSet) {
	fs.Var(&f.SSE, "sse", "a remote MCP server on HTTP+SSE at `URL`; repeatable")
	fs.Var(&f.HTTP, "http", "a remote MCP server on Streamable HTTP at `URL`; repeatable")
}
