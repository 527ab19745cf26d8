package mcpconfig

// readZed reads the "context_servers" of Zed's settings.json:
//
//	"context_servers": {
//	  "NAME": {"source": "custom", "command": "path", "args": [], "env": {}},
//	  "OLD": {"command": {"path": "p", "args": [], "env": {}}, "settings": {}},
//	  "REMOTE": {"url": "https://…", "headers": {}},
//	  "EXT": {"source": "extension", "settings": {}}
//	}
func readZed(r *reader, top *object, x *expander) (*File, error) {
	if !top.has("context_servers") {
		return nil, noSection(top)
	}
	m, err := r.object("context_servers", top.m["context_servers"])
	if err != nil {
		return nil, err
	}
	file := &File{}
	for _, name := range m.keys() {
		path := "context_servers." + name
		o, err := r.object(path, m.m[name])
		if err != nil {
			return nil, err
		}
		if err := o.strict("source", "command", "args", "env", "url", "headers", "enabled", "settings"); err != nil {
			return nil, err
		}
		if on, set := o.m["enabled"].(bool); set && !on {
			file.Dropped = append(file.Dropped, Dropped{Name: name, Reason: "disabled"})
			continue
		} else if _, err := o.boolean("enabled"); err != nil {
			return nil, err
		}
		source, err := o.str("source")
		if err != nil {
			return nil, err
		}
		switch source {
		case "", "custom":
		case "extension":
			file.Dropped = append(file.Dropped, Dropped{Name: name, Reason: "a Zed extension's server: only Zed can start it"})
			continue
		default:
			return nil, r.errorf(path+".source", "unknown source %q%s", source, didYouMean(source, []string{"custom", "extension"}))
		}
		s := Server{Name: name}
		// command: a string (current) or {path, args, env} (older).
		if cmd, ok := asMap(o.m["command"]); ok {
			co := &object{r: r, path: path + ".command", m: cmd}
			if err := co.strict("path", "args", "env"); err != nil {
				return nil, err
			}
			if s.Command, err = co.str("path"); err != nil {
				return nil, err
			}
			if s.Args, err = co.strs("args"); err != nil {
				return nil, err
			}
			if s.Env, err = co.strMap("env"); err != nil {
				return nil, err
			}
		} else if s.Command, err = o.str("command"); err != nil {
			return nil, err
		}
		if o.has("args") {
			if s.Args, err = o.strs("args"); err != nil {
				return nil, err
			}
		}
		if o.has("env") {
			if s.Env, err = o.strMap("env"); err != nil {
				return nil, err
			}
		}
		if s.URL, err = o.str("url"); err != nil {
			return nil, err
		}
		if s.Headers, err = o.strMap("headers"); err != nil {
			return nil, err
		}
		switch {
		case s.Command != "" && s.URL != "":
			return nil, r.errorf(path, "both \"command\" and \"url\": a server is either a command (stdio) or a url (remote)")
		case s.Command != "":
			s.Transport = Stdio
		case s.URL != "":
			s.Transport = Auto
		default:
			return nil, r.errorf(path, "needs a \"command\" (a stdio server) or a \"url\" (a remote server)")
		}
		if err := x.server(path, &s); err != nil {
			return nil, err
		}
		if err := s.check(r, path); err != nil {
			return nil, err
		}
		file.Servers = append(file.Servers, s)
	}
	return file, nil
}
