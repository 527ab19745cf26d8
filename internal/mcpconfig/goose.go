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
	file := &File{}
	err := eachEntry(r, top, "extensions", gooseKeys, func(key, path string, o *object) (err error) {
		name := key
		if off, err := o.switchedOff("enabled"); err != nil {
			return err
		} else if off {
			file.Dropped = append(file.Dropped, Dropped{Name: name, Reason: "disabled"})
			return nil
		}
		typ, err := o.str("type")
		if err != nil {
			return err
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
			return nil
		case "":
			return r.errorf(path, "needs a \"type\" (stdio, sse or streamable_http)")
		default:
			return r.errorf(path+".type", "unknown type %q%s", typ, didYouMean(typ, []string{"stdio", "sse", "streamable_http", "builtin", "platform", "frontend", "inline_python"}))
		}
		if err := o.readCommand(&s, "cmd", "envs"); err != nil {
			return err
		}
		if s.Cwd, err = o.str("cwd"); err != nil {
			return err
		}
		if s.Cwd, err = x.tilde(path+".cwd", s.Cwd); err != nil {
			return err
		}
		if s.URL, err = o.str("uri"); err != nil {
			return err
		}
		if s.Headers, err = o.strMap("headers"); err != nil {
			return err
		}
		if s.Command != "" && s.URL != "" {
			return r.errorf(path, "both \"cmd\" and \"uri\": a server is either a command (stdio) or a uri (remote)")
		}
		if s.Transport == Stdio && s.Command == "" {
			return r.errorf(path, "type stdio needs a \"cmd\"")
		}
		if s.Transport != Stdio && s.URL == "" {
			return r.errorf(path, "type %s needs a \"uri\"", typ)
		}
		keys, err := o.strs("env_keys")
		if err != nil {
			return err
		}
		if err := x.passEnv(r, &s, path+".env_keys", keys, " (Goose keeps it in its keyring; mcprun reads the environment)"); err != nil {
			return err
		}
		if err := s.check(r, path); err != nil {
			return err
		}
		if n, ok, err := o.number("timeout"); err != nil {
			return err
		} else if ok {
			s.Timeout = seconds(n)
		}
		if o.has("available_tools") {
			if s.Allow, err = o.strs("available_tools"); err != nil {
				return err
			}
			if len(s.Allow) == 0 {
				s.Allow = nil // Goose: empty means all
			}
		}
		file.Servers = append(file.Servers, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return file, nil
}
