package mcpconfig

import "time"

// A Transport says how a server is reached.
type Transport string

const (
	Stdio Transport = "stdio" // a subprocess speaking MCP on its stdin and stdout
	SSE   Transport = "sse"   // the 2024-11-05 HTTP+SSE transport
	HTTP  Transport = "http"  // Streamable HTTP
	// Auto is Streamable HTTP, falling back to SSE if the server does not
	// speak it: what clients do with a bare url.
	Auto Transport = "auto"
)

// A Server is one MCP server a config file starts, with its variables
// expanded.
type Server struct {
	Name      string
	Transport Transport
	// Stdio servers.
	Command string
	Args    []string
	Env     map[string]string // merged over the inherited environment
	EnvFile string            // a dotenv file, absolute once loaded ([Load] reads it into Env)
	Cwd     string
	// Remote servers.
	URL     string
	Headers map[string]string
	// OAuth, when set, authenticates a remote server machine to machine
	// (the client credentials grant) instead of a browser login
	// (mcprun.json only).
	OAuth *ClientCredentials
	// Timeout bounds each tool call; 0 means the caller's default.
	Timeout time.Duration
	// StartupTimeout bounds starting and initialising the server (Codex's
	// startup_timeout_sec); 0 means the caller's default.
	StartupTimeout time.Duration
	// Allow, if not nil, names the only tools offered; Deny names tools
	// hidden (Gemini's includeTools/excludeTools, Codex's enabled_tools/
	// disabled_tools, Windsurf's disabledTools, Goose's available_tools).
	Allow, Deny []string
	// mcprun.json only: InheritEnv passes a stdio server mcprun's whole
	// environment (by default it gets HOME, PATH and a few others, plus
	// Env); Trusted lets the server's read-only tool annotations skip
	// --confirm; Sampling bounds what it may ask of the model.
	InheritEnv bool
	Trusted    bool
	Sampling   *Sampling
	// mcprun.json only: ResetTimeoutOnProgress restarts a tool call's
	// Timeout on each progress notification, up to MaxTotalTimeout in all
	// (0: the caller's default cap).
	ResetTimeoutOnProgress bool
	MaxTotalTimeout        time.Duration
	// mcprun.json only: MaxResultBytes caps each of the server's tool
	// results the model reads; 0: the run's cap.
	MaxResultBytes int
}

// ClientCredentials are a pre-registered OAuth client's credentials: a
// secret, or a private key for private_key_jwt.
type ClientCredentials struct {
	ClientID       string
	ClientSecret   string
	PrivateKeyFile string
	Scopes         []string
}

// Dropped is a server entry the file has that will not start, and why
// (disabled, or a kind of server only its own client can run).
type Dropped struct {
	Name   string
	Reason string
}

// A Format is a client's config file format.
type Format string

const (
	FormatMcprun        Format = "mcprun"         // mcprun.json: mcpServers or servers, with mcprun's extensions
	FormatClaudeDesktop Format = "claude-desktop" // claude_desktop_config.json
	FormatClaudeCode    Format = "claude-code"    // .mcp.json
	FormatCursor        Format = "cursor"         // .cursor/mcp.json
	FormatCline         Format = "cline"          // cline_mcp_settings.json
	FormatWindsurf      Format = "windsurf"       // mcp_config.json (serverUrl)
	FormatVSCode        Format = "vscode"         // .vscode/mcp.json (servers, inputs) or settings.json (mcp)
	FormatGemini        Format = "gemini"         // .gemini/settings.json (httpUrl)
	FormatZed           Format = "zed"            // Zed settings.json (context_servers)
	FormatCodex         Format = "codex"          // ~/.codex/config.toml ([mcp_servers.NAME])
	FormatGoose         Format = "goose"          // ~/.config/goose/config.yaml (extensions)
	FormatContinue      Format = "continue"       // Continue config.yaml or block file (mcpServers list)
)

// Formats lists every format, for help text and --config-format.
var Formats = []Format{FormatMcprun, FormatClaudeDesktop, FormatClaudeCode, FormatCursor, FormatCline, FormatWindsurf, FormatVSCode, FormatGemini, FormatZed, FormatCodex, FormatGoose, FormatContinue}

// A File is what a config file starts.
type File struct {
	Path    string
	Format  Format
	Servers []Server  // in the file's order where it has one, else by name
	Dropped []Dropped // entries that will not start
}

// check is the last word on an entry, after its variables are expanded:
// it has a name, and the address its transport needs.
func (s *Server) check(r *reader, path string) error {
	switch {
	case s.Name == "":
		return r.errorf(path, "a server needs a name")
	case s.Transport == Stdio && s.Command == "":
		return r.errorf(path, "the command is empty")
	case s.Transport != Stdio && s.URL == "":
		return r.errorf(path, "the url is empty")
	}
	return nil
}
