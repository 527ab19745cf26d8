package mcpconfig

import "fmt"

// gooseKeys are the keys of an entry of Goose's "extensions".
var gooseKeys = []string{
	"name", "display_name", "description", "type", "enabled", "bundled", "timeout",
	"cmd", "args", "envs", "env_keys", "cwd", // stdio
	"uri", "headers", // sse, streamable_http
	"available_tools", "code", "dependencies", "tools", "instructions",
}

// readGoose reads the "extensions" of Goose's config.yaml. Builtin,
// platform, frontend and inline Python extensions run inside Goose and are
// dropped; env_keys name variables passed from the environment (Goose
// reads them from its keyring).
func readGoose(r *reader, top *object, x *expander) (*File, error) {
	if !top.has("extensions") {
		return nil, noSection(top)
	}
	m, err := r.object("extensions", top.m["extensions"])
	if err != nil {
		return nil, err
	}
	file := &File{}
	for _, key := range m.keys() {
		path := "extensions." + key
		o, err := r.object(path, m.m[key])
		if err != nil {
			return nil, err
		}
		if err := o.strict(gooseKeys...); err != nil {
			return nil, err
		}
		name := key
		if on, set := o.m["enabled"].(bool); set && !on {
			file.Dropped = append(file.Dropped, Dropped{Name: name, Reason: "disabled"})
			continue
		} else if _, err := o.boolean("enabled"); err != nil {
			return nil, err
		}
		typ, err := o.str("type")
		if err != nil {
			return nil, err
		}
		s := Server{Name: name}
		switch typ {
		case "stdio":
			s.Transport = Stdio
		case "sse":
			s.Transport = SSE
		case "streamable_http":
			s.Transport = HTTP
		case "builtin", "platform", "frontend", "inline_python":
			file.Dropped = append(file.Dropped, Dropped{Name: name, Reason: fmt.Sprintf("a Goose %s extension: it runs inside Goose", typ)})
			continue
		case "":
			return nil, r.errorf(path, "needs a \"type\" (stdio, sse or streamable_http)")
		default:
			return nil, r.errorf(path+".type", "unknown type %q%s", typ, didYouMean(typ, []string{"stdio", "sse", "streamable_http", "builtin", "platform", "frontend", "inline_python"}))
		}
		if s.Command, err = o.str("cmd"); err != nil {
			return nil, err
		}
		if s.Args, err = o.strs("args"); err != nil {
			return nil, err
		}
		if s.Env, err = o.strMap("envs"); err != nil {
			return nil, err
		}
		if s.Cwd, err = o.str("cwd"); err != nil {
			return nil, err
		}
		if s.Cwd, err = x.tilde(path+".cwd", s.Cwd); err != nil {
			return nil, err
		}
		if s.URL, err = o.str("uri"); err != nil {
			return nil, err
		}
		if s.Headers, err = o.strMap("headers"); err != nil {
			return nil, err
		}
		if s.Command != "" && s.URL != "" {
			return nil, r.errorf(path, "both \"cmd\" and \"uri\": a server is either a command (stdio) or a uri (remote)")
		}
		if s.Transport == Stdio && s.Command == "" {
			return nil, r.errorf(path, "type stdio needs a \"cmd\"")
		}
		if s.Transport != Stdio && s.URL == "" {
			return nil, r.errorf(path, "type %s needs a \"uri\"", typ)
		}
		keys, err := o.strs("env_keys")
		if err != nil {
			return nil, err
		}
		for i, k := range keys {
			v, ok := x.getenv(k)
			if !ok {
				return nil, r.errorf(fmt.Sprintf("%s.env_keys[%d]", path, i), "the environment variable %s is not set (Goose keeps it in its keyring; mcprun reads the environment)", k)
			}
			if s.Env == nil {
				s.Env = map[string]string{}
			}
			if _, own := s.Env[k]; !own {
				s.Env[k] = v
			}
		}
		if err := s.check(r, path); err != nil {
			return nil, err
		}
		if n, ok, err := o.number("timeout"); err != nil {
			return nil, err
		} else if ok {
			s.Timeout = seconds(n)
		}
		if o.has("available_tools") {
			if s.Allow, err = o.strs("available_tools"); err != nil {
				return nil, err
			}
			if len(s.Allow) == 0 {
				s.Allow = nil // Goose: empty means all
			}
		}
		file.Servers = append(file.Servers, s)
	}
	return file, nil
}
