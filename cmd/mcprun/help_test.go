package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/mistraltest"
)

// `mcprun help COMMAND` and `mcprun COMMAND --help` print the same thing on
// stdout: the command's usage, its flags and an example; nothing runs.
func TestHelpShowsFlagsAndExample(t *testing.T) {
	for _, tc := range []struct {
		cmd  []string
		flag string // one of the command's flags
	}{
		{[]string{"run"}, "-output-schema"},
		{[]string{"chat"}, "-stdio"},
		{[]string{"demo"}, "-model"},
		{[]string{"tools"}, "-config"},
		{[]string{"call"}, "-tool-timeout"},
		{[]string{"agents", "create"}, "-instructions"},
		{[]string{"agents", "list"}, "-server-url"},
		{[]string{"auth", "login"}, "-scopes"},
		{[]string{"auth", "logout"}, "-config"},
		{[]string{"mock-server"}, "-addr"},
		{[]string{"config", "check"}, "-config-format"},
	} {
		name := strings.Join(tc.cmd, " ")
		code, help, stderr := cli(t, nil, append([]string{"help"}, tc.cmd...)...)
		if code != 0 || stderr != "" {
			t.Fatalf("help %s: exit %d, stderr %q", name, code, stderr)
		}
		for _, want := range []string{"Usage: mcprun " + name, "\nFlags:\n", "  " + tc.flag, "\nExample:\n"} {
			if !strings.Contains(help, want) {
				t.Errorf("help %s lacks %q:\n%s", name, want, help)
			}
		}
		if _, example, _ := strings.Cut(help, "\nExample:\n"); !strings.Contains(example, "mcprun "+name) {
			t.Errorf("help %s: the example does not run it:\n%s", name, example)
		}
		for _, h := range []string{"--help", "-h"} {
			code, out, stderr := cli(t, nil, append(tc.cmd, h)...)
			if code != 0 || out != help || stderr != "" {
				t.Errorf("%s %s: exit %d, stderr %q, stdout differs from help:\n%s", name, h, code, stderr, out)
			}
		}
	}
}

// `mcprun help agents` and `mcprun agents --help` show every subcommand.
func TestHelpOfCommandGroups(t *testing.T) {
	for group, subs := range subcommands {
		code, help, _ := cli(t, nil, "help", group)
		_, viaFlag, _ := cli(t, nil, group, "--help")
		if code != 0 || help != viaFlag {
			t.Fatalf("help %s: exit %d, %q vs %q", group, code, help, viaFlag)
		}
		for _, sub := range subs {
			if !strings.Contains(help, "Usage: mcprun "+group+" "+sub) {
				t.Errorf("help %s lacks %s:\n%s", group, sub, help)
			}
		}
	}
}

func TestHelpErrors(t *testing.T) {
	if code, _, stderr := cli(t, nil, "help", "frobnicate"); code != 2 || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Fatalf("exit %d %q", code, stderr)
	}
	// A wrong flag: the usage goes to stderr and the exit code is 2.
	code, stdout, stderr := cli(t, nil, "run", "--bogus", "hi")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "flag provided but not defined: -bogus") || !strings.Contains(stderr, "Usage: mcprun run") {
		t.Fatalf("exit %d %q %q", code, stdout, stderr)
	}
	if code, stdout, _ := cli(t, nil, "help"); code != 0 || !strings.Contains(stdout, "mcprun help COMMAND") {
		t.Fatalf("exit %d %q", code, stdout)
	}
}

// The CLI reads the API's settings from its environment alone (here a map,
// not the process's), with --server-url over MISTRAL_SERVER_URL.
func TestAPISettingsFromEnvAndFlag(t *testing.T) {
	code, _, stderr := cli(t, map[string]string{"MISTRAL_API_KEY": "k", "MISTRAL_SERVER_URL": "ftp://nowhere"}, "agents", "list")
	if code != 1 || !strings.Contains(stderr, "MISTRAL_SERVER_URL") {
		t.Fatalf("bad env URL: exit %d %q", code, stderr)
	}
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	code, stdout, stderr := cli(t, map[string]string{"MISTRAL_API_KEY": "k", "MISTRAL_SERVER_URL": "ftp://nowhere"}, "run", "--server-url", s.URL, "hi")
	if code != 0 || stdout != "hi\n" {
		t.Fatalf("flag over env: exit %d %q %q", code, stdout, stderr)
	}
	code, _, stderr = cli(t, nil, "run", "hi")
	if code != 1 || !strings.Contains(stderr, "API key") {
		t.Fatalf("no key: exit %d %q", code, stderr)
	}
}

// Every command the usage lists has help, and help knows no other.
func TestHelpKnowsEveryCommand(t *testing.T) {
	var listed []string
	for _, line := range strings.Split(usage, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[0] == "mcprun" && line[0] == ' ' {
			listed = append(listed, f[1])
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(listed)), slices.Sorted(slices.Values(commands))) {
		t.Fatalf("usage lists %v, help knows %v", listed, commands)
	}
	for _, c := range listed {
		if code, out, stderr := cli(t, nil, "help", c); code != 0 || !strings.Contains(out, "Usage: mcprun "+c) || !strings.Contains(out, "Example:") {
			t.Errorf("help %s: exit %d %q %q", c, code, out, stderr)
		}
	}
}

// worker, attach, cancel, run --temporal and approve --temporal are handed
// to mcprun-temporal; without it, one line says how to install it.
func TestTemporalCommandsNeedTheirBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, args := range [][]string{{"worker", "--temporal", "127.0.0.1:1"}, {"attach", "X"}, {"cancel", "X"}, {"run", "--temporal", "127.0.0.1:1", "hi"}, {"approve", "--temporal", "127.0.0.1:1", "X"}} {
		code, out, stderr := cli(t, nil, args...)
		if code != 1 || out != "" || !strings.Contains(stderr, "mcprun-temporal") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
	}
}
