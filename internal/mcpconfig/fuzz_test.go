package mcpconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: whatever the bytes and whichever reader, Parse returns either
// servers it can start (a transport, and a command or a url to match) or
// one *Error on one line; never a panic.
func FuzzParse(f *testing.F) {
	names := []string{"mcprun.json", ".mcp.json", ".vscode/mcp.json", "mcp_config.json", ".gemini/settings.json", "zed/settings.json", "config.toml", "config.yaml", "block.yaml"}
	filepath.WalkDir("testdata", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".golden") {
			return nil
		}
		if data, err := os.ReadFile(path); err == nil {
			for i := range names {
				f.Add(data, uint8(i))
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		name := filepath.Join("/w", names[int(which)%len(names)])
		file, err := Parse(name, data, Options{Getenv: func(k string) string { return "v" }, Home: "/h", Inputs: map[string]string{"a": "b"}})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("not an *Error: %T %v", err, err)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error on two lines: %q", err)
			}
			return
		}
		for _, s := range file.Servers {
			switch s.Transport {
			case Stdio:
				if s.Command == "" || s.URL != "" {
					t.Fatalf("stdio server without a command, or with a url: %+v", s)
				}
			case SSE, HTTP, Auto:
				if s.URL == "" || s.Command != "" {
					t.Fatalf("remote server without a url, or with a command: %+v", s)
				}
			default:
				t.Fatalf("server with transport %q: %+v", s.Transport, s)
			}
		}
	})
}
