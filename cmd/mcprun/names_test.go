package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/mistraltest"
)

// fakeNpx writes an executable named npx that runs the weather server
// whatever package it is asked for, so that launcher names are tested
// without npm.
func fakeNpx(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake npx is a shell script")
	}
	npx := filepath.Join(t.TempDir(), "npx")
	if err := os.WriteFile(npx, []byte("#!/bin/sh\nexec '"+weatherServer+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return npx
}

// Two npx servers are named after their packages: with --prefix-tools
// the model sees weather-lyon_get_weather and weather-paris_get_weather
// whichever --stdio comes first (they were npx_ and npx-2_).
func TestLauncherServerNamesInPrefixedTools(t *testing.T) {
	npx := fakeNpx(t)
	lyon := npx + " -y @acme/weather-lyon@1.2.3"
	paris := npx + " --yes weather-paris@latest"
	const call = "weather-paris_get_weather"
	api := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		var names []string
		for _, tl := range turn.Tools {
			names = append(names, tl.Name)
		}
		if got, ok := turn.ResultOf(call); ok {
			return mistraltest.Respond(mistraltest.Text(strings.Join(names, " ") + "\n" + got)), nil
		}
		return mistraltest.Respond(mistraltest.Call(call, map[string]string{"location": "Paris"})), nil
	})
	defer api.Close()
	for _, order := range [][]string{{lyon, paris}, {paris, lyon}} {
		code, stdout, stderr := cli(t, apiEnv(api), "run", "--tool-pins", "off", "--prefix-tools", "--stdio", order[0], "--stdio", order[1], "weather in Paris?")
		if code != 0 {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		tools, result, _ := strings.Cut(stdout, "\n")
		if tools != "weather-lyon_get_weather weather-paris_get_weather" && tools != "weather-paris_get_weather weather-lyon_get_weather" {
			t.Fatalf("the model was offered %q", tools)
		}
		if !strings.Contains(result, `"location":"Paris"`) {
			t.Fatalf("the call answered %q", result)
		}
	}
	// `mcprun call` picks the server by the same name; the same package
	// twice is NAME-2.
	code, stdout, stderr := cli(t, nil, "call", "--tool-pins", "off", "--stdio", lyon, "--stdio", lyon+" --verbose", "weather-lyon-2", "get_weather", `{"location":"Lyon"}`)
	if code != 0 || !strings.Contains(stdout, `"location":"Lyon"`) {
		t.Fatalf("call: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// Pins kept under a --stdio server's name of before (npx) are still read:
// a tool changed since is reported, not pinned anew.
func TestPinsUnderTheOldLauncherName(t *testing.T) {
	npx := fakeNpx(t)
	command := npx + " -y @acme/weather@1"
	state := t.TempDir()
	s := mcpconfig.Server{Transport: mcpconfig.Stdio, Command: npx, Args: []string{"-y", "@acme/weather@1"}}
	old := map[string]map[string]any{pinKeyNamed(s, "npx"): {"get_weather": map[string]string{
		"name": "get_weather", "description": "Old description.", "description_sha256": strings.Repeat("0", 64),
	}}}
	b, _ := json.Marshal(old)
	if err := os.MkdirAll(filepath.Join(state, "mcprun"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(state, "mcprun", "tool-pins.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"XDG_STATE_HOME": state}
	code, stdout, stderr := cli(t, env, "pins", "list", "--stdio", command)
	if code != 0 || !strings.Contains(stdout, "weather") || !strings.Contains(stdout, "changed (") {
		t.Fatalf("pins list: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, env, "pins", "accept", "--yes", "--stdio", command, "weather", "get_weather")
	if code != 0 || !strings.Contains(stdout, "accepted") {
		t.Fatalf("pins accept: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, env, "pins", "list", "--stdio", command)
	if code != 0 || strings.Contains(stdout, "changed") || !strings.Contains(stdout, "pinned") {
		t.Fatalf("pins list after accept: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
