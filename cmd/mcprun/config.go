package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
)

// serverConfig is one MCP server in a config file: the mcpServers entries of
// Claude Desktop and Cursor, and the servers entries of VS Code.
type serverConfig struct {
	Name    string            `json:"-"`
	Type    string            `json:"type,omitempty"` // stdio, sse, http, streamable-http, streamableHttp
	Command string            `json:"command,omitempty"`
	Args    []string          `json:"args,omitempty"`
	Env     map[string]string `json:"env,omitempty"`
	Cwd     string            `json:"cwd,omitempty"`
	URL     string            `json:"url,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
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
func loadConfig(path string, isDefault bool) ([]serverConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if isDefault && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	return parseConfig(data)
}

func parseConfig(data []byte) ([]serverConfig, error) {
	var file struct {
		MCPServers map[string]serverConfig `json:"mcpServers"`
		Servers    map[string]serverConfig `json:"servers"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
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
			s.Name = n
			if _, err := s.transport(); err != nil {
				return nil, fmt.Errorf("config: %w", err)
			}
			out = append(out, s)
		}
	}
	return out, nil
}
