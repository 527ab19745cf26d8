package mcpconfig

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
	file := &File{}
	err := eachEntry(r, top, "mcp_servers", codexKeys, func(name, path string, o *object) (err error) {
		if off, err := o.switchedOff("enabled"); err != nil {
			return err
		} else if off {
			file.Dropped = append(file.Dropped, Dropped{Name: name, Reason: "disabled"})
			return nil
		}
		s := Server{Name: name}
		if err := o.readCommand(&s, "command", "env"); err != nil {
			return err
		}
		if s.Cwd, err = o.str("cwd"); err != nil {
			return err
		}
		if s.Cwd, err = x.tilde(path+".cwd", s.Cwd); err != nil {
			return err
		}
		if s.URL, err = o.str("url"); err != nil {
			return err
		}
		if s.Headers, err = o.strMap("http_headers"); err != nil {
			return err
		}
		if err := s.commandOrURL(r, path, HTTP); err != nil {
			return err
		}
		passed, err := o.strs("env_vars")
		if err != nil {
			return err
		}
		if err := x.passEnv(r, &s, path+".env_vars", passed, ""); err != nil {
			return err
		}
		if k, err := o.str("bearer_token_env_var"); err != nil {
			return err
		} else if k != "" {
			v, ok := x.getenv(k)
			if !ok {
				return r.errorf(path+".bearer_token_env_var", "the environment variable %s is not set", k)
			}
			s.Headers = setHeader(s.Headers, "Authorization", "Bearer "+v)
		}
		fromEnv, err := o.strMap("env_http_headers")
		if err != nil {
			return err
		}
		for _, h := range sortedKeys(fromEnv) {
			v, ok := x.getenv(fromEnv[h])
			if !ok {
				return r.errorf(path+".env_http_headers."+h, "the environment variable %s is not set", fromEnv[h])
			}
			s.Headers = setHeader(s.Headers, h, v)
		}
		if n, ok, err := o.number("tool_timeout_sec"); err != nil {
			return err
		} else if ok {
			s.Timeout = seconds(n)
		}
		if n, ok, err := o.number("startup_timeout_sec"); err != nil {
			return err
		} else if ok {
			s.StartupTimeout = seconds(n)
		}
		if n, ok, err := o.number("startup_timeout_ms"); err != nil {
			return err
		} else if ok {
			s.StartupTimeout = milliseconds(n)
		}
		if o.has("enabled_tools") {
			if s.Allow, err = o.strs("enabled_tools"); err != nil {
				return err
			}
			if s.Allow == nil {
				s.Allow = []string{}
			}
		}
		if s.Deny, err = o.strs("disabled_tools"); err != nil {
			return err
		}
		if err := s.check(r, path); err != nil {
			return err
		}
		if s.Transport == Stdio && len(s.Headers) > 0 {
			return r.errorf(path, "http headers on a stdio server")
		}
		file.Servers = append(file.Servers, s)
		return nil
	})
	if err != nil {
		return nil, err
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
