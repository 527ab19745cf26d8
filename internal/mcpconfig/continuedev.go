package mcpconfig

import (
	"fmt"
	"slices"
)

// readContinue reads the "mcpServers" list of Continue's config.yaml or of
// a block file in .continue/mcpServers/. ${{ secrets.NAME }} and
// ${{ inputs.NAME }} are read from the environment variable NAME.
func readContinue(r *reader, top *object, x *expander) (*File, error) {
	if !top.has("mcpServers") {
		return nil, noSection(top)
	}
	list, ok := top.m["mcpServers"].([]any)
	if !ok {
		return nil, r.errorf("mcpServers", "want a list of servers, got %s", kind(top.m["mcpServers"]))
	}
	file := &File{}
	var names []string
	for i, e := range list {
		path := fmt.Sprintf("mcpServers[%d]", i)
		o, err := r.object(path, e)
		if err != nil {
			return nil, err
		}
		if err := o.strict("name", "type", "command", "args", "env", "cwd", "url", "requestOptions", "connectionTimeout", "faviconUrl", "sourceFile"); err != nil {
			return nil, err
		}
		s := Server{}
		if s.Name, err = o.str("name"); err != nil {
			return nil, err
		}
		if s.Name == "" {
			return nil, r.errorf(path, "needs a \"name\"")
		}
		if slices.Contains(names, s.Name) {
			return nil, r.errorf(path+".name", "%q names two servers", s.Name)
		}
		names = append(names, s.Name)
		path = "mcpServers." + s.Name
		if err := o.readCommand(&s, "command", "env"); err != nil {
			return nil, err
		}
		if s.Cwd, err = o.str("cwd"); err != nil {
			return nil, err
		}
		if s.URL, err = o.str("url"); err != nil {
			return nil, err
		}
		if o.has("requestOptions") {
			ro, err := r.object(path+".requestOptions", o.m["requestOptions"])
			if err != nil {
				return nil, err
			}
			if err := ro.strict("headers"); err != nil {
				return nil, err
			}
			if s.Headers, err = ro.strMap("headers"); err != nil {
				return nil, err
			}
		}
		if _, _, err := o.number("connectionTimeout"); err != nil {
			return nil, err
		}
		typ, err := o.str("type")
		if err != nil {
			return nil, err
		}
		urlKey := ""
		if s.URL != "" {
			urlKey = "url"
			s.Transport = Auto
		}
		if s.Command != "" && s.URL != "" {
			return nil, r.errorf(path, "both \"command\" and \"url\": a server is either a command (stdio) or a url (remote)")
		}
		if err := settleTransport(r, path, &s, typ, "type", urlKey, variant{urls: map[string]Transport{"url": Auto}}); err != nil {
			return nil, err
		}
		if err := file.add(r, x, path, s); err != nil {
			return nil, err
		}
	}
	return file, nil
}
