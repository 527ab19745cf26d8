package mcpconfig

import "fmt"

// readVSCode reads VS Code's .vscode/mcp.json ({"inputs", "servers"}) or
// the "mcp" object of its settings.json.
func readVSCode(r *reader, top *object, x *expander, settings bool) (*File, error) {
	section := top
	prefix := ""
	if top.has("mcp") && !top.has("servers") {
		var err error
		if section, err = r.object("mcp", top.m["mcp"]); err != nil {
			return nil, err
		}
		prefix = "mcp."
		settings = false // the mcp object itself is VS Code's only
	}
	if !settings {
		if err := section.strict("inputs", "servers", "$schema"); err != nil {
			return nil, err
		}
	}
	if err := readInputs(r, section, x); err != nil {
		return nil, err
	}
	file := &File{}
	if !section.has("servers") {
		return nil, noSection(section)
	}
	m, err := r.object(prefix+"servers", section.m["servers"])
	if err != nil {
		return nil, err
	}
	for _, name := range m.keys() {
		if err := readEntry(r, file, x, variants[FormatVSCode], prefix+"servers."+name, name, m.m[name]); err != nil {
			return nil, err
		}
	}
	return file, nil
}

// readInputs reads VS Code's "inputs": the values ${input:ID} asks for.
func readInputs(r *reader, section *object, x *expander) error {
	x.inputs = map[string]Input{}
	v, ok := section.m["inputs"]
	if !ok || v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		return r.errorf(section.key("inputs"), "want a list, got %s", kind(v))
	}
	for i, e := range list {
		path := fmt.Sprintf("%s[%d]", section.key("inputs"), i)
		o, err := r.object(path, e)
		if err != nil {
			return err
		}
		if err := o.strict("type", "id", "description", "password", "default", "options", "command", "args"); err != nil {
			return err
		}
		var in Input
		typ, err := o.str("type")
		if err != nil {
			return err
		}
		if in.ID, err = o.str("id"); err != nil {
			return err
		}
		if in.ID == "" {
			return r.errorf(path, "needs an \"id\"")
		}
		if in.Description, err = o.str("description"); err != nil {
			return err
		}
		if in.Password, err = o.boolean("password"); err != nil {
			return err
		}
		if in.Default, err = o.str("default"); err != nil {
			return err
		}
		switch typ {
		case "promptString":
		case "pickString":
			if in.Options, err = pickOptions(r, o); err != nil {
				return err
			}
		case "command":
			// Runs a VS Code command: only VS Code can answer it, so it
			// must be given with --input.
		default:
			return r.errorf(path+".type", "unknown input type %q%s", typ, didYouMean(typ, []string{"promptString", "pickString", "command"}))
		}
		if _, dup := x.inputs[in.ID]; dup {
			return r.errorf(path+".id", "input %q declared twice", in.ID)
		}
		if typ == "command" {
			in.Description = "the value of VS Code command input " + in.ID
		}
		x.inputs[in.ID] = in
	}
	return nil
}

// pickOptions reads a pickString's options: strings, or {label, value}
// objects.
func pickOptions(r *reader, o *object) ([]string, error) {
	v, ok := o.m["options"]
	if !ok {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, r.errorf(o.key("options"), "want a list, got %s", kind(v))
	}
	out := make([]string, 0, len(list))
	for i, e := range list {
		if s, ok := e.(string); ok {
			out = append(out, s)
			continue
		}
		eo, err := r.object(fmt.Sprintf("%s[%d]", o.key("options"), i), e)
		if err != nil {
			return nil, err
		}
		if err := eo.strict("label", "value", "description"); err != nil {
			return nil, err
		}
		s, err := eo.str("value")
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
