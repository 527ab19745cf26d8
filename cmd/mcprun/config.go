package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/tailscale/hujson"
)

// serverConfig is one MCP server in a config file: the mcpServers entries of
// Claude Desktop, Claude Code, Cursor and others, and the servers entries of
// VS Code.
type serverConfig struct {
	Name     string            `json:"-"`
	Type     string            `json:"type,omitempty"` // stdio, sse, http, streamable-http, streamableHttp, streamable_http
	Command  string            `json:"command,omitempty"`
	Args     []string          `json:"args,omitempty"`
	Env      map[string]string `json:"env,omitempty"`
	EnvFile  string            `json:"envFile,omitempty"`
	Cwd      string            `json:"cwd,omitempty"`
	URL      string            `json:"url,omitempty"`
	Headers  map[string]string `json:"headers,omitempty"`
	Disabled bool              `json:"disabled,omitempty"`
	// OAuth, when set, authenticates a remote server machine to machine
	// (the OAuth client credentials grant) instead of a browser login.
	OAuth *clientCredentials `json:"oauth,omitempty"`
	// Timeout is per call: seconds in Cline's files, milliseconds in
	// others'; a value under 1000 is taken as seconds.
	Timeout float64 `json:"timeout,omitempty"`
}

// clientCredentials are a pre-registered OAuth client's credentials: a
// secret, or a private key for private_key_jwt.
type clientCredentials struct {
	ClientID       string   `json:"clientId"`
	ClientSecret   string   `json:"clientSecret,omitempty"`
	PrivateKeyFile string   `json:"privateKeyFile,omitempty"`
	Scopes         []string `json:"scopes,omitempty"`
}

// callTimeout is the server's own per-call bound, if its entry sets one.
func (s serverConfig) callTimeout() time.Duration {
	switch {
	case s.Timeout <= 0:
		return 0
	case s.Timeout < 1000:
		return time.Duration(s.Timeout * float64(time.Second))
	default:
		return time.Duration(s.Timeout * float64(time.Millisecond))
	}
}

// transport says how to reach the server.
func (s serverConfig) transport() (string, error) {
	switch strings.ToLower(s.Type) {
	case "stdio":
		return "stdio", nil
	case "sse":
		return "sse", nil
	case "http", "streamable-http", "streamablehttp", "streamable_http":
		return "http", nil
	case "":
		if s.Command != "" {
			return "stdio", nil
		}
		if s.URL != "" {
			return "auto", nil // Streamable HTTP, falling back to SSE
		}
		return "", fmt.Errorf("server %q: neither a command nor a url", s.Name)
	}
	return "", fmt.Errorf("server %q: unknown type %q", s.Name, s.Type)
}

// loadConfig reads a config file. An absent default file is no error.
func loadConfig(path string, isDefault bool, getenv func(string) string) ([]serverConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if isDefault && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	servers, err := parseConfig(data, getenv)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i := range servers {
		if o := servers[i].OAuth; o != nil && o.PrivateKeyFile != "" && !filepath.IsAbs(o.PrivateKeyFile) {
			o.PrivateKeyFile = filepath.Join(filepath.Dir(path), o.PrivateKeyFile)
		}
		if f := servers[i].EnvFile; f != "" {
			if !filepath.IsAbs(f) {
				f = filepath.Join(filepath.Dir(path), f)
			}
			if err := servers[i].loadEnvFile(f); err != nil {
				return nil, fmt.Errorf("%s: server %q: %w", path, servers[i].Name, err)
			}
		}
	}
	return servers, nil
}

// parseConfig reads either shape, with comments and trailing commas (VS
// Code's mcp.json has them), skips disabled servers, and expands ${VAR},
// ${VAR:-default} and ${env:VAR} in commands, arguments, env, URLs and
// headers.
func parseConfig(data []byte, getenv func(string) string) ([]serverConfig, error) {
	std, err := hujson.Standardize(bytes.Clone(data))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var file struct {
		MCPServers map[string]serverConfig `json:"mcpServers"`
		Servers    map[string]serverConfig `json:"servers"`
	}
	if err := json.Unmarshal(std, &file); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var out []serverConfig
	for _, m := range []map[string]serverConfig{file.MCPServers, file.Servers} {
		names := make([]string, 0, len(m))
		for n := range m {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			s := m[n]
			if s.Disabled {
				continue
			}
			s.Name = n
			if err := s.expand(getenv); err != nil {
				return nil, fmt.Errorf("config: server %q: %w", n, err)
			}
			if _, err := s.transport(); err != nil {
				return nil, fmt.Errorf("config: %w", err)
			}
			out = append(out, s)
		}
	}
	return out, nil
}

var variable = regexp.MustCompile(`\$\{([^}]*)\}`)

// expand replaces the variables the config formats use.
func (s *serverConfig) expand(getenv func(string) string) error {
	if getenv == nil {
		getenv = os.Getenv
	}
	var bad error
	sub := func(v string) string {
		return variable.ReplaceAllStringFunc(v, func(m string) string {
			ref := m[2 : len(m)-1]
			switch {
			case strings.HasPrefix(ref, "env:"):
				return getenv(ref[4:])
			case strings.HasPrefix(ref, "input:"):
				bad = fmt.Errorf("%s: VS Code inputs are not supported; put the value in the environment and use ${env:NAME}", m)
				return m
			case ref == "workspaceFolder":
				wd, _ := os.Getwd()
				return wd
			}
			name, def, hasDef := strings.Cut(ref, ":-")
			if v := getenv(name); v != "" || !hasDef {
				return v
			}
			return def
		})
	}
	s.Command, s.URL, s.Cwd, s.EnvFile = sub(s.Command), sub(s.URL), sub(s.Cwd), sub(s.EnvFile)
	for i := range s.Args {
		s.Args[i] = sub(s.Args[i])
	}
	for k, v := range s.Env {
		s.Env[k] = sub(v)
	}
	for k, v := range s.Headers {
		s.Headers[k] = sub(v)
	}
	if o := s.OAuth; o != nil {
		o.ClientID, o.ClientSecret, o.PrivateKeyFile = sub(o.ClientID), sub(o.ClientSecret), sub(o.PrivateKeyFile)
	}
	return bad
}

// loadEnvFile adds KEY=VALUE lines of a dotenv file under the server's own
// env entries (which win).
func (s *serverConfig) loadEnvFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if s.Env == nil {
		s.Env = map[string]string{}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		if _, set := s.Env[k]; !set {
			s.Env[k] = v
		}
	}
	return sc.Err()
}
