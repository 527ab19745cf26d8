package mcpconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// syntax is which variable forms a format expands.
type syntax int

const (
	// braces: ${VAR}, ${VAR:-default}, ${env:VAR}, ${input:ID},
	// ${userHome}, ${workspaceFolder}, ${workspaceFolderBasename},
	// ${pathSeparator}, ${/} (Claude Code, Cursor, VS Code, Cline,
	// Windsurf, mcprun).
	braces syntax = iota
	// dollar: braces' plain forms and Gemini CLI's $VAR.
	dollar
	// templates: Continue's ${{ secrets.NAME }} and ${{ inputs.NAME }},
	// read from the environment.
	templates
	// literal: no expansion (Codex, Goose: env_vars and env_keys name the
	// variables to pass instead).
	literal
)

func syntaxOf(f Format) syntax {
	switch f {
	case FormatGemini:
		return dollar
	case FormatContinue:
		return templates
	case FormatCodex, FormatGoose, FormatZed:
		return literal
	}
	return braces
}

var (
	braceVar    = regexp.MustCompile(`\$\{([^}]*)\}`)
	dollarVar   = regexp.MustCompile(`\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)`)
	templateVar = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)
	envName     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// expander expands one file's variables.
type expander struct {
	r         *reader
	opts      Options
	workspace string
	syntax    syntax
	inputs    map[string]Input  // VS Code's declared inputs
	answers   map[string]string // inputs asked for once
}

func (x *expander) getenv(k string) (string, bool) {
	if x.opts.Getenv == nil {
		return "", false
	}
	v := x.opts.Getenv(k)
	return v, v != ""
}

// expand replaces the variables in s; key names s in errors.
func (x *expander) expand(key, s string) (string, error) {
	if !strings.Contains(s, "$") || x.syntax == literal {
		return s, nil
	}
	var bad error
	fail := func(format string, args ...any) string {
		if bad == nil {
			bad = x.r.errorf(key, format, args...)
		}
		return ""
	}
	switch x.syntax {
	case templates:
		out := templateVar.ReplaceAllStringFunc(s, func(m string) string {
			ref := templateVar.FindStringSubmatch(m)[1]
			ns, name, ok := strings.Cut(ref, ".")
			if !ok || (ns != "secrets" && ns != "inputs") || !envName.MatchString(name) {
				return fail("%s: only ${{ secrets.NAME }} and ${{ inputs.NAME }} are read (from the environment)", m)
			}
			v, ok := x.getenv(name)
			if !ok {
				return fail("%s: the environment variable %s is not set", m, name)
			}
			return v
		})
		return out, bad
	case dollar:
		out := dollarVar.ReplaceAllStringFunc(s, func(m string) string {
			if !strings.HasPrefix(m, "${") {
				name := m[1:]
				v, ok := x.getenv(name)
				if !ok {
					return fail("%s is not set", m)
				}
				return v
			}
			return x.brace(m, fail)
		})
		return out, bad
	}
	out := braceVar.ReplaceAllStringFunc(s, func(m string) string { return x.brace(m, fail) })
	return out, bad
}

// brace resolves one ${...}.
func (x *expander) brace(m string, fail func(string, ...any) string) string {
	ref := m[2 : len(m)-1]
	switch ref {
	case "userHome":
		if x.opts.Home == "" {
			return fail("%s: the home folder is unknown", m)
		}
		return x.opts.Home
	case "workspaceFolder":
		return x.workspace
	case "workspaceFolderBasename":
		return filepath.Base(x.workspace)
	case "pathSeparator", "/":
		return string(os.PathSeparator)
	}
	if name, ok := strings.CutPrefix(ref, "env:"); ok {
		v, set := x.getenv(name)
		if !set {
			return fail("%s: the environment variable %s is not set", m, name)
		}
		return v
	}
	if id, ok := strings.CutPrefix(ref, "input:"); ok {
		v, err := x.input(id)
		if err != nil {
			return fail("%s: %v", m, err)
		}
		return v
	}
	name, def, hasDef := strings.Cut(ref, ":-")
	if !envName.MatchString(name) {
		known := []string{"env:NAME", "input:ID", "userHome", "workspaceFolder", "workspaceFolderBasename", "pathSeparator"}
		return fail("unknown variable %s%s", m, didYouMean(name, known))
	}
	if v, ok := x.getenv(name); ok {
		return v
	}
	if hasDef {
		return def
	}
	return fail("%s is not set (write ${%s:-} for an empty default)", m, name)
}

// input resolves ${input:ID}: a given value, else the prompt, else an
// error; each is asked once.
func (x *expander) input(id string) (string, error) {
	if v, ok := x.answers[id]; ok {
		return v, nil
	}
	in, declared := x.inputs[id]
	if !declared {
		ids := slices.Sorted(func(yield func(string) bool) {
			for k := range x.inputs {
				if !yield(k) {
					return
				}
			}
		})
		return "", fmt.Errorf("no input %q in inputs%s", id, didYouMean(id, ids))
	}
	v, ok := x.opts.Inputs[id]
	if !ok {
		if x.opts.Prompt == nil {
			return "", fmt.Errorf("needs a value: give --input %s=VALUE", id)
		}
		var err error
		if v, err = x.opts.Prompt(in); err != nil {
			return "", fmt.Errorf("input %s: %w", id, err)
		}
		if v == "" {
			v = in.Default
		}
		if len(in.Options) > 0 && !slices.Contains(in.Options, v) {
			return "", fmt.Errorf("input %s: %q is not one of %s", id, v, quoteList(in.Options))
		}
	}
	if x.answers == nil {
		x.answers = map[string]string{}
	}
	x.answers[id] = v
	return v, nil
}

// server expands every string of s; path names the entry in errors.
func (x *expander) server(path string, s *Server) error {
	var err error
	one := func(key string, v *string) {
		if err == nil {
			*v, err = x.expand(path+"."+key, *v)
		}
	}
	one("command", &s.Command)
	for i := range s.Args {
		one(fmt.Sprintf("args[%d]", i), &s.Args[i])
	}
	for _, k := range sortedKeys(s.Env) {
		v := s.Env[k]
		one("env."+k, &v)
		s.Env[k] = v
	}
	one("url", &s.URL)
	for _, k := range sortedKeys(s.Headers) {
		v := s.Headers[k]
		one("headers."+k, &v)
		s.Headers[k] = v
	}
	one("cwd", &s.Cwd)
	one("envFile", &s.EnvFile)
	if o := s.OAuth; o != nil {
		one("oauth.clientId", &o.ClientID)
		one("oauth.clientSecret", &o.ClientSecret)
		one("oauth.privateKeyFile", &o.PrivateKeyFile)
	}
	return err
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	})
}

// tilde expands a leading ~/ (Codex's and Goose's paths) against Home.
func (x *expander) tilde(key, p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	if x.opts.Home == "" {
		return "", x.r.errorf(key, "%s: the home folder is unknown", p)
	}
	return filepath.Join(x.opts.Home, strings.TrimPrefix(p, "~")), nil
}
