package mcpconfig

import (
	"fmt"
	"strings"
	"time"
)

// variant is how one client writes an entry of a servers map.
type variant struct {
	keys []string // every key the client documents, read or not
	// urls are the keys that give a remote server's address, with the
	// transport each means when no type says otherwise.
	urls map[string]Transport
	// typeKeys name the transport ("type"; Cline's older "transportType").
	typeKeys []string
	// disabled is the key that turns an entry off (true = off).
	disabled string
	// timeout converts the entry's "timeout" number.
	timeout func(float64) time.Duration
	// allow and deny name the tool filter keys.
	allow, deny string
	oauth       bool // mcprun's "oauth" client credentials
}

func seconds(n float64) time.Duration      { return time.Duration(n * float64(time.Second)) }
func milliseconds(n float64) time.Duration { return time.Duration(n * float64(time.Millisecond)) }

// mcprunTimeout keeps mcprun.json's rule: seconds under 1000 (Cline's
// files), else milliseconds.
func mcprunTimeout(n float64) time.Duration {
	if n < 1000 {
		return seconds(n)
	}
	return milliseconds(n)
}

var (
	claudeKeys = []string{"type", "command", "args", "env", "url", "headers"}
	variants   = map[Format]variant{
		// mcprun.json: what Claude, Cursor and VS Code write, and
		// mcprun's own keys.
		FormatMcprun: {
			keys:     append([]string{"type", "command", "args", "env", "envFile", "cwd", "url", "headers", "disabled", "oauth", "timeout"}, mcprunKeys...),
			urls:     map[string]Transport{"url": Auto},
			typeKeys: []string{"type"}, disabled: "disabled", timeout: mcprunTimeout, oauth: true,
		},
		FormatClaudeDesktop: {keys: claudeKeys, urls: map[string]Transport{"url": Auto}, typeKeys: []string{"type"}},
		// Claude Code's .mcp.json: stdio, sse and http; ${VAR} and
		// ${VAR:-default}.
		FormatClaudeCode: {keys: claudeKeys, urls: map[string]Transport{"url": Auto}, typeKeys: []string{"type"}},
		// Cursor: a url with headers may still be SSE (tried as both);
		// ${userHome}, ${workspaceFolder}, ${env:NAME}.
		FormatCursor: {
			keys: []string{"type", "command", "args", "env", "envFile", "url", "headers"},
			urls: map[string]Transport{"url": Auto}, typeKeys: []string{"type"},
		},
		// Cline: timeout in seconds; alwaysAllow/autoApprove are its own
		// approval lists (mcprun asks with --confirm instead).
		FormatCline: {
			keys:     []string{"type", "transportType", "command", "args", "env", "cwd", "url", "headers", "disabled", "autoApprove", "alwaysAllow", "timeout"},
			urls:     map[string]Transport{"url": Auto},
			typeKeys: []string{"type", "transportType"}, disabled: "disabled", timeout: seconds,
		},
		// Windsurf: serverUrl (or url) for a remote server.
		FormatWindsurf: {
			keys:     []string{"command", "args", "env", "serverUrl", "url", "headers", "disabled", "disabledTools"},
			urls:     map[string]Transport{"serverUrl": Auto, "url": Auto},
			disabled: "disabled", deny: "disabledTools",
		},
		// Gemini CLI: url is SSE, httpUrl Streamable HTTP; timeout in
		// milliseconds; $VAR; trust and its OAuth settings are its own.
		FormatGemini: {
			keys: []string{"type", "command", "args", "env", "cwd", "url", "httpUrl", "headers", "timeout", "trust",
				"includeTools", "excludeTools", "description", "oauth", "authProviderType", "targetAudience", "targetServiceAccount"},
			urls:     map[string]Transport{"url": SSE, "httpUrl": HTTP},
			typeKeys: []string{"type"}, timeout: milliseconds, allow: "includeTools", deny: "excludeTools",
		},
		// VS Code's servers entries; dev, gallery and version are its own.
		FormatVSCode: {
			keys:     []string{"type", "command", "args", "env", "envFile", "cwd", "url", "headers", "dev", "gallery", "version"},
			urls:     map[string]Transport{"url": Auto},
			typeKeys: []string{"type"},
		},
	}
)

// transportTypes are the values of "type" (and Cline's transportType).
var transportTypes = map[string]Transport{
	"stdio": Stdio, "sse": SSE,
	"http": HTTP, "streamable-http": HTTP, "streamableHttp": HTTP, "streamable_http": HTTP,
}

// readMCPServers reads the mcpServers family (and mcprun.json's servers).
func readMCPServers(r *reader, top *object, x *expander, v variant, settings bool) (*File, error) {
	if !settings {
		known := []string{"mcpServers", "$schema"}
		if v.oauth { // mcprun.json may have VS Code's shape
			known = append(known, "servers", "inputs")
		}
		if err := top.strict(known...); err != nil {
			return nil, err
		}
	}
	if top.has("inputs") {
		if err := readInputs(r, top, x); err != nil {
			return nil, err
		}
	}
	file := &File{}
	found := false
	for _, section := range []string{"mcpServers", "servers"} {
		if !top.has(section) {
			continue
		}
		found = true
		m, err := r.object(section, top.m[section])
		if err != nil {
			return nil, err
		}
		for _, name := range m.keys() {
			if err := readEntry(r, file, x, v, section+"."+name, name, m.m[name]); err != nil {
				return nil, err
			}
		}
	}
	if !found {
		return nil, noSection(top)
	}
	return file, nil
}

// readEntry reads one server entry into file (or its Dropped).
func readEntry(r *reader, file *File, x *expander, v variant, path, name string, val any) error {
	o, err := r.object(path, val)
	if err != nil {
		return err
	}
	if err := o.strict(v.keys...); err != nil {
		return err
	}
	if v.disabled != "" {
		off, err := o.boolean(v.disabled)
		if err != nil {
			return err
		}
		if off {
			file.Dropped = append(file.Dropped, Dropped{Name: name, Reason: "disabled"})
			return nil
		}
	}
	s := Server{Name: name}
	if err := o.readCommand(&s, "command", "env"); err != nil {
		return err
	}
	if s.Headers, err = o.strMap("headers"); err != nil {
		return err
	}
	if s.Cwd, err = o.str("cwd"); err != nil {
		return err
	}
	if s.EnvFile, err = o.str("envFile"); err != nil {
		return err
	}
	// Exactly one of the url keys, and not with a command.
	urlKey := ""
	for _, k := range o.keys() {
		t, ok := v.urls[k]
		if !ok || !o.has(k) {
			continue
		}
		if urlKey != "" {
			return r.errorf(path, "both %q and %q: give one", urlKey, k)
		}
		if s.URL, err = o.str(k); err != nil {
			return err
		}
		urlKey, s.Transport = k, t
	}
	if s.Command != "" && urlKey != "" {
		return r.errorf(path, "both \"command\" and %q: a server is either a command (stdio) or a url (remote)", urlKey)
	}
	typ, typeKey := "", ""
	for _, k := range v.typeKeys {
		t, err := o.str(k)
		if err != nil {
			return err
		}
		if t != "" {
			typ, typeKey = t, k
		}
	}
	if err := settleTransport(r, path, &s, typ, typeKey, urlKey, v); err != nil {
		return err
	}
	if v.timeout != nil {
		n, ok, err := o.number("timeout")
		if err != nil {
			return err
		}
		if ok {
			s.Timeout = v.timeout(n)
		}
	}
	if v.allow != "" && o.has(v.allow) {
		if s.Allow, err = o.strs(v.allow); err != nil {
			return err
		}
		if s.Allow == nil {
			s.Allow = []string{}
		}
	}
	if v.deny != "" {
		if s.Deny, err = o.strs(v.deny); err != nil {
			return err
		}
	}
	if v.oauth && o.has("oauth") {
		if s.OAuth, err = readClientCredentials(r, path+".oauth", o.m["oauth"]); err != nil {
			return err
		}
		if s.Transport == Stdio {
			return r.errorf(path+".oauth", "a stdio server has no OAuth")
		}
	}
	if v.oauth { // mcprun.json's own keys
		if err := readMcprunKeys(r, o, path, &s); err != nil {
			return err
		}
	}
	return file.add(r, x, path, s)
}

// settleTransport checks the entry's type against what it gives.
func settleTransport(r *reader, path string, s *Server, typ, typeKey, urlKey string, v variant) error {
	if typ != "" {
		t, ok := transportTypes[typ]
		if !ok {
			names := make([]string, 0, len(transportTypes))
			for k := range transportTypes {
				names = append(names, k)
			}
			return r.errorf(path+"."+typeKey, "unknown transport %q%s", typ, didYouMean(typ, names))
		}
		if t == Stdio && s.Command == "" {
			return r.errorf(path, "type %q needs a \"command\"", typ)
		}
		if t != Stdio && urlKey == "" {
			return r.errorf(path, "type %q needs a %s", typ, urlKeysText(v))
		}
		s.Transport = t
		return nil
	}
	switch {
	case s.Command != "":
		s.Transport = Stdio
	case urlKey != "":
		// set from the url key
	default:
		return r.errorf(path, "needs a \"command\" (a stdio server) or a %s (a remote server)", urlKeysText(v))
	}
	return nil
}

func urlKeysText(v variant) string {
	ks := make([]string, 0, len(v.urls))
	for k := range v.urls {
		ks = append(ks, fmt.Sprintf("%q", k))
	}
	if len(ks) == 2 {
		if ks[0] > ks[1] {
			ks[0], ks[1] = ks[1], ks[0]
		}
	}
	return strings.Join(ks, " or ")
}

func readClientCredentials(r *reader, path string, v any) (*ClientCredentials, error) {
	o, err := r.object(path, v)
	if err != nil {
		return nil, err
	}
	if err := o.strict("clientId", "clientSecret", "privateKeyFile", "scopes"); err != nil {
		return nil, err
	}
	var c ClientCredentials
	if c.ClientID, err = o.str("clientId"); err != nil {
		return nil, err
	}
	if c.ClientSecret, err = o.str("clientSecret"); err != nil {
		return nil, err
	}
	if c.PrivateKeyFile, err = o.str("privateKeyFile"); err != nil {
		return nil, err
	}
	if c.Scopes, err = o.strs("scopes"); err != nil {
		return nil, err
	}
	if c.ClientID == "" {
		return nil, r.errorf(path, "needs a \"clientId\"")
	}
	return &c, nil
}
