package mcpconfig

// zedKeys are the keys of an entry of Zed's "context_servers".
var zedKeys = []string{"source", "command", "args", "env", "url", "headers", "enabled", "settings"}

// readZed reads the "context_servers" of Zed's settings.json:
//
//	"context_servers": {
//	  "NAME": {"source": "custom", "command": "path", "args": [], "env": {}},
//	  "OLD": {"command": {"path": "p", "args": [], "env": {}}, "settings": {}},
//	  "REMOTE": {"url": "https://…", "headers": {}},
//	  "EXT": {"source": "extension", "settings": {}}
//	}
func readZed(r *reader, top *object, x *expander) (*File, error) {
	file := &File{}
	err := eachEntry(r, top, "context_servers", zedKeys, func(name, path string, o *object) (err error) {
		if off, err := o.switchedOff("enabled"); err != nil {
			return err
		} else if off {
			file.Dropped = append(file.Dropped, Dropped{Name: name, Reason: "disabled"})
			return nil
		}
		source, err := o.str("source")
		if err != nil {
			return err
		}
		switch source {
		case "", "custom":
		case "extension":
			file.Dropped = append(file.Dropped, Dropped{Name: name, Reason: "a Zed extension's server: only Zed can start it"})
			return nil
		default:
			return r.errorf(path+".source", "unknown source %q%s", source, didYouMean(source, []string{"custom", "extension"}))
		}
		s := Server{Name: name}
		// command: a string (current) or {path, args, env} (older).
		if cmd, ok := asMap(o.m["command"]); ok {
			co := &object{r: r, path: path + ".command", m: cmd}
			if err := co.strict("path", "args", "env"); err != nil {
				return err
			}
			if err := co.readCommand(&s, "path", "env"); err != nil {
				return err
			}
		} else if s.Command, err = o.str("command"); err != nil {
			return err
		}
		if o.has("args") {
			if s.Args, err = o.strs("args"); err != nil {
				return err
			}
		}
		if o.has("env") {
			if s.Env, err = o.strMap("env"); err != nil {
				return err
			}
		}
		if s.URL, err = o.str("url"); err != nil {
			return err
		}
		if s.Headers, err = o.strMap("headers"); err != nil {
			return err
		}
		if err := s.commandOrURL(r, path, Auto); err != nil {
			return err
		}
		return file.add(r, x, path, s)
	})
	if err != nil {
		return nil, err
	}
	return file, nil
}
