package mcpconfig

import "fmt"

// The readers of the clients' formats share these reads of one server
// entry: the formats differ in key names, not in what the keys mean.

// switchedOff reads an "enabled" key: true when it is false (the entry is
// left out), an error when it is there but not a boolean.
func (o *object) switchedOff(key string) (bool, error) {
	if on, set := o.m[key].(bool); set && !on {
		return true, nil
	}
	_, err := o.boolean(key)
	return false, err
}

// readCommand reads a stdio command: the program from commandKey, its
// arguments from "args", its environment from envKey.
func (o *object) readCommand(s *Server, commandKey, envKey string) (err error) {
	if s.Command, err = o.str(commandKey); err != nil {
		return err
	}
	if s.Args, err = o.strs("args"); err != nil {
		return err
	}
	s.Env, err = o.strMap(envKey)
	return err
}

// commandOrURL sets the transport of an entry that gives either a
// "command" (stdio) or a "url" (remote: HTTP or Auto), never both.
func (s *Server) commandOrURL(r *reader, path string, remote Transport) error {
	what := "remote"
	if remote == HTTP {
		what = "Streamable HTTP"
	}
	switch {
	case s.Command != "" && s.URL != "":
		return r.errorf(path, "both \"command\" and \"url\": a server is either a command (stdio) or a url (%s)", what)
	case s.Command != "":
		s.Transport = Stdio
	case s.URL != "":
		s.Transport = remote
	default:
		return r.errorf(path, "needs a \"command\" (a stdio server) or a \"url\" (a %s server)", what)
	}
	return nil
}

// eachEntry calls read for each entry of the table section of top (in
// the order of their names), an object with only the known keys; path
// names the entry in errors.
func eachEntry(r *reader, top *object, section string, known []string, read func(name, path string, o *object) error) error {
	if !top.has(section) {
		return noSection(top)
	}
	m, err := r.object(section, top.m[section])
	if err != nil {
		return err
	}
	for _, name := range m.keys() {
		path := section + "." + name
		o, err := r.object(path, m.m[name])
		if err != nil {
			return err
		}
		if err := o.strict(known...); err != nil {
			return err
		}
		if err := read(name, path, o); err != nil {
			return err
		}
	}
	return nil
}

// passEnv adds the variables names (listed at path) from the environment
// to s.Env, where the entry does not set them itself; an unset one is an
// error, with why after it.
func (x *expander) passEnv(r *reader, s *Server, path string, names []string, why string) error {
	for i, k := range names {
		v, ok := x.getenv(k)
		if !ok {
			return r.errorf(fmt.Sprintf("%s[%d]", path, i), "the environment variable %s is not set%s", k, why)
		}
		if s.Env == nil {
			s.Env = map[string]string{}
		}
		if _, own := s.Env[k]; !own {
			s.Env[k] = v
		}
	}
	return nil
}

// add expands the variables of s (at path), checks it and adds it to
// file.
func (file *File) add(r *reader, x *expander, path string, s Server) error {
	if err := x.server(path, &s); err != nil {
		return err
	}
	if err := s.check(r, path); err != nil {
		return err
	}
	file.Servers = append(file.Servers, s)
	return nil
}
