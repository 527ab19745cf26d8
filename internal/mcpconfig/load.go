package mcpconfig

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/tailscale/hujson"
	"go.yaml.in/yaml/v3"
)

// MaxFileSize bounds a config file: a settings file is kilobytes; anything
// past this is not one.
const MaxFileSize = 4 << 20

// Options are what a config file's variables may refer to. The zero value
// is valid: no environment, no home, no inputs.
type Options struct {
	// Getenv looks up ${VAR}, ${env:VAR} and Gemini's $VAR; nil means no
	// variable is set.
	Getenv func(string) string
	// Home is ${userHome} and a leading ~ in Codex and Goose paths; empty
	// makes those an error.
	Home string
	// Inputs are VS Code ${input:ID} values given up front (--input ID=VALUE).
	Inputs map[string]string
	// Prompt asks for an input that Inputs lacks (on a terminal); nil makes
	// a missing input an error.
	Prompt func(Input) (string, error)
	// Format, if set, skips detection.
	Format Format
}

// An Input is a VS Code input a server refers to as ${input:ID}.
type Input struct {
	ID          string
	Description string
	Password    bool     // do not echo it
	Default     string   // what an empty answer means
	Options     []string // pickString: the choices
}

// Load reads the config file at path: its format detected from the name
// and shape (or Options.Format), its servers read strictly, their
// variables expanded, relative paths (envFile, cwd, OAuth key files) made
// absolute against the file's directory and envFile read into Env.
//
// Errors are an [*Error] (one line naming the file and key) or the
// reading's own error.
func Load(path string, opts Options) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("larger than %d MiB: not a config file", MaxFileSize>>20)}
	}
	file, err := Parse(path, data, opts)
	if err != nil {
		return nil, err
	}
	if err := file.resolvePaths(); err != nil {
		return nil, err
	}
	if err := file.loadEnvFiles(); err != nil {
		return nil, err
	}
	return file, nil
}

// Parse reads data as the config file at path (the path decides the format
// and the workspace folder; nothing is read from disk). Relative paths are
// left as written and envFile is not read: [Load] does both.
func Parse(path string, data []byte, opts Options) (*File, error) {
	r := &reader{file: path}
	format := opts.Format
	if format != "" && !slices.Contains(Formats, format) {
		return nil, r.errorf("", "unknown format %q%s", format, didYouMean(string(format), formatNames()))
	}
	tree, err := decode(path, data, format)
	if err != nil {
		return nil, err
	}
	top, err := r.object("", tree)
	if err != nil {
		return nil, err
	}
	if format == "" {
		if format, err = detect(path, top); err != nil {
			return nil, err
		}
	}
	x := &expander{r: r, opts: opts, workspace: workspaceRoot(path), syntax: syntaxOf(format)}
	var file *File
	switch format {
	case FormatVSCode:
		file, err = readVSCode(r, top, x, isSettingsFile(path))
	case FormatZed:
		file, err = readZed(r, top, x)
	case FormatCodex:
		file, err = readCodex(r, top, x)
	case FormatGoose:
		file, err = readGoose(r, top, x)
	case FormatContinue:
		file, err = readContinue(r, top, x)
	default:
		file, err = readMCPServers(r, top, x, variants[format], isSettingsFile(path))
	}
	if err != nil {
		return nil, err
	}
	file.Path, file.Format = path, format
	// An empty allow list offers nothing: say so rather than start a
	// server for no tool.
	kept := file.Servers[:0]
	for _, s := range file.Servers {
		if s.Allow != nil && len(s.Allow) == 0 {
			file.Dropped = append(file.Dropped, Dropped{Name: s.Name, Reason: "its list of tools to offer is empty"})
			continue
		}
		kept = append(kept, s)
	}
	file.Servers = kept
	return file, nil
}

func formatNames() []string {
	out := make([]string, len(Formats))
	for i, f := range Formats {
		out[i] = string(f)
	}
	return out
}

// decode parses JSON (with comments and trailing commas: VS Code's and
// Zed's files have them), TOML or YAML into a generic tree, by file
// extension (or the forced format).
func decode(path string, data []byte, format Format) (any, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case format == FormatCodex || (format == "" && ext == ".toml"):
		var v map[string]any
		if _, err := toml.Decode(string(data), &v); err != nil {
			return nil, &Error{File: path, Msg: "TOML: " + err.Error(), Err: err}
		}
		return v, nil
	case format == FormatGoose || format == FormatContinue || (format == "" && (ext == ".yaml" || ext == ".yml")):
		var v any
		if err := yaml.Unmarshal(data, &v); err != nil {
			return nil, &Error{File: path, Msg: "YAML: " + err.Error(), Err: err}
		}
		if v == nil {
			v = map[string]any{}
		}
		return v, nil
	}
	std, err := hujson.Standardize(bytes.Clone(data))
	if err != nil {
		msg := "JSON: " + err.Error()
		if ext != ".json" && ext != ".jsonc" {
			msg += " (a .toml file is read as Codex's, a .yaml file as Goose's or Continue's)"
		}
		return nil, &Error{File: path, Msg: msg, Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(std))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &Error{File: path, Msg: "JSON: " + err.Error(), Err: err}
	}
	return v, nil
}

// sections are the top-level keys that hold servers, by format family.
var sections = []string{"mcpServers", "servers", "mcp", "context_servers", "mcp_servers", "extensions"}

// detect decides the format: a client's own file name first, then the
// file's shape.
func detect(path string, top *object) (Format, error) {
	base := strings.ToLower(filepath.Base(path))
	parent := strings.ToLower(filepath.Base(filepath.Dir(path)))
	ext := filepath.Ext(base)
	switch {
	case ext == ".toml":
		return FormatCodex, nil
	case ext == ".yaml" || ext == ".yml":
		if top.has("extensions") {
			return FormatGoose, nil
		}
		return FormatContinue, nil
	case base == "claude_desktop_config.json":
		return FormatClaudeDesktop, nil
	case base == ".mcp.json":
		return FormatClaudeCode, nil
	case base == "cline_mcp_settings.json":
		return FormatCline, nil
	case base == "mcp_config.json" && (parent == "windsurf" || hasEntryKey(top, "serverUrl")):
		return FormatWindsurf, nil
	case parent == ".cursor" && base == "mcp.json":
		return FormatCursor, nil
	case parent == ".vscode" && base == "mcp.json":
		return FormatVSCode, nil
	case parent == ".gemini" && base == "settings.json":
		return FormatGemini, nil
	case parent == "zed" || parent == ".zed":
		return FormatZed, nil
	case base == "mcprun.json":
		return FormatMcprun, nil
	}
	// By shape.
	switch {
	case top.has("context_servers"):
		return FormatZed, nil
	case top.has("mcp") && !top.has("mcpServers"):
		return FormatVSCode, nil // settings.json
	case top.has("inputs"):
		return FormatVSCode, nil
	case top.has("mcpServers"):
		switch {
		case hasEntryKey(top, "httpUrl", "includeTools", "excludeTools", "trust"):
			return FormatGemini, nil
		case hasEntryKey(top, "serverUrl", "disabledTools"):
			return FormatWindsurf, nil
		case hasEntryKey(top, "alwaysAllow", "autoApprove", "transportType"):
			return FormatCline, nil
		}
		return FormatMcprun, nil
	case top.has("servers"):
		return FormatMcprun, nil // VS Code's shape, read with mcprun's extensions
	}
	return "", noSection(top)
}

// noSection explains a file without any servers section: a misspelled
// section name gets a did-you-mean.
func noSection(top *object) error {
	for _, k := range top.keys() {
		if hint := didYouMean(k, sections); hint != "" {
			return top.r.errorf(k, "not a servers section%s", hint)
		}
	}
	return top.r.errorf("", "no MCP servers section (one of %s)", quoteList(sections))
}

// hasEntryKey says whether any entry of mcpServers has one of keys.
func hasEntryKey(top *object, keys ...string) bool {
	m, ok := asMap(top.m["mcpServers"])
	if !ok {
		return false
	}
	for _, e := range m {
		em, ok := asMap(e)
		if !ok {
			continue
		}
		for _, k := range keys {
			if _, ok := em[k]; ok {
				return true
			}
		}
	}
	return false
}

// isSettingsFile says whether the file is a client's general settings, with
// keys of its own beside the servers (only the servers are checked).
func isSettingsFile(path string) bool {
	switch strings.ToLower(filepath.Base(path)) {
	case "settings.json", "claude_desktop_config.json", ".claude.json", "config.toml", "config.yaml", "config.yml":
		return true
	}
	return false
}

// workspaceRoot is ${workspaceFolder}: the folder holding the client's
// folder (.vscode, .cursor, .gemini, .zed, .continue) when the file is in
// one, else the file's own folder.
func workspaceRoot(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	dir := filepath.Dir(abs)
	switch filepath.Base(dir) {
	case ".vscode", ".cursor", ".gemini", ".zed", ".continue", ".claude":
		return filepath.Dir(dir)
	case "mcpServers":
		if filepath.Base(filepath.Dir(dir)) == ".continue" {
			return filepath.Dir(filepath.Dir(dir))
		}
	}
	return dir
}

// resolvePaths makes relative envFile, cwd and key file paths absolute
// against the workspace folder (the file's own folder, or the one holding
// .vscode, .cursor, .gemini…), as the clients resolve them.
func (f *File) resolvePaths() error {
	dir := workspaceRoot(f.Path)
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	for i := range f.Servers {
		s := &f.Servers[i]
		if err := envFileInside(dir, s.EnvFile); err != nil {
			return &Error{File: f.Path, Key: s.Name + ".envFile", Msg: err.Error(), Err: err}
		}
		s.EnvFile = abs(s.EnvFile)
		s.Cwd = abs(s.Cwd)
		if s.OAuth != nil {
			s.OAuth.PrivateKeyFile = abs(s.OAuth.PrivateKeyFile)
		}
	}
	return nil
}
