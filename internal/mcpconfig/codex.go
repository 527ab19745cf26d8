package mcpconfig

import "fmt"

// codexKeys are the keys of a [mcp_servers.NAME] table in Codex's
// config.toml.
var codexKeys = []string{
	"command", "args", "env", "env_vars", "cwd", // stdio
	"url", "bearer_token_env_var", "http_headers", "env_http_headers", // Streamable HTTP
	"startup_timeout_sec", "startup_timeout_ms", "tool_timeout_sec",
	"enabled", "required", "enabled_tools", "disabled_tools",
}

// readCodex reads the [mcp_servers.NAME] tables of Codex's config.toml.
// Values are literal: env_vars names variables passed from the
// environment, bearer_token_env_var and env_http_headers name variables
// holding header values.
func readCodex(r *reader, top *object, x *expander) (*File, error) {
	if !top.has("mcp_servers") {
		return nil, noSection(top)
	}
	m, err := r.object("mcp_servers", top.m["mcp_servers"])
	if err != nil {
		return nil, err
	}
	file := &File{}
	for _, name := range m.keys() {
		path := "mcp_servers." + name
		o, err := r.object(path, m.m[name])
		if err != nil {
			return nil, err
		}
		if err := o.strict(codexKeys...); err != nil {
			return nil, err
		}
		if on, set := o.m["enabled"].(bool); set && !on {
			file.Dropped = append(file.Dropped, Dropped{Name: name, Reason: "disabled"})
			continue
		} else if _, err := o.boolean("enabled"); err != nil {
			return nil, err
		}
		s := Server{Name: name}
		if s.Command, err = o.str("command"); err != nil {
			return nil, err
		}
		if s.Args, err = o.strs("args"); err != nil {
			return nil, err
		}
		if s.Env, err = o.strMap("env"); err != nil {
			return nil, err
		}
		if s.Cwd, err = o.str("cwd"); err != nil {
			return nil, err
		}
		if s.Cwd, err = x.tilde(path+".cwd", s.Cwd); err != nil {
			return nil, err
		}
		if s.URL, err = o.str("url"); err != nil {
			return nil, err
		}
		if s.Headers, err = o.strMap("http_headers"); err != nil {
			return nil, err
		}
		switch {
		case s.Command != "" && s.URL != "":
			return nil, r.errorf(path, "both \"command\" and \"url\": a server is either a command (stdio) or a url (Streamable HTTP)")
		case s.Command != "":
			s.Transport = Stdio
		case s.URL != "":
			s.Transport = HTTP
		default:
			return nil, r.errorf(path, "needs a \"command\" (a stdio server) or a \"url\" (a Streamable HTTP server)")
		}
		passed, err := o.strs("env_vars")
		if err != nil {
			return nil, err
		}
		for i, k := range passed {
			v, ok := x.getenv(k)
			if !ok {
				return nil, r.errorf(fmt.Sprintf("%s.env_vars[%d]", path, i), "the environment variable %s is not set", k)
			}
			if s.Env == nil {
				s.Env = map[string]string{}
			}
			if _, own := s.Env[k]; !own {
				s.Env[k] = v
			}
		}
		if k, err := o.str("bearer_token_env_var"); err != nil {
			return nil, err
		} else if k != "" {
			v, ok := x.getenv(k)
			if !ok {
				return nil, r.errorf(path+".bearer_token_env_var", "the environment variable %s is not set", k)
			}
			s.Headers = setHeader(s.Headers, "Authorization", "Bearer "+v)
		}
		fromEnv, err := o.strMap("env_http_headers")
		if err != nil {
			return nil, err
		}
		for _, h := range sortedKeys(fromEnv) {
			v, ok := x.getenv(fromEnv[h])
			if !ok {
				return nil, r.errorf(path+".env_http_headers."+h, "the environment variable %s is not set", fromEnv[h])
			}
			s.Headers = setHeader(s.Headers, h, v)
		}
		if n, ok, err := o.number("tool_timeout_sec"); err != nil {
			return nil, err
		} else if ok {
			s.Timeout = seconds(n)
		}
		if n, ok, err := o.number("startup_timeout_sec"); err != nil {
			return nil, err
		} else if ok {
			s.StartupTimeout = seconds(n)
		}
		if n, ok, err := o.number("startup_timeout_ms"); err != nil {
			return nil, err
		} else if ok {
			s.StartupTimeout = milliseconds(n)
		}
		if o.has("enabled_tools") {
			if s.Allow, err = o.strs("enabled_tools"); err != nil {
				return nil, err
			}
			if s.Allow == nil {
				s.Allow = []string{}
			}
		}
		if s.Deny, err = o.strs("disabled_tools"); err != nil {
			return nil, err
		}
		if err := s.check(r, path); err != nil {
			return nil, err
		}
		if s.Transport == Stdio && len(s.Headers) > 0 {
			return nil, r.errorf(path, "http headers on a stdio server")
		}
		file.Servers = append(file.Servers, s)
	}
	return file, nil
}

func setHeader(h map[string]string, k, v string) map[string]string {
	if h == nil {
		h = map[string]string{}
	}
	h[k] = v
	return h
}
