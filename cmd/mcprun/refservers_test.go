package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/internal/testpeers"
	"github.com/mcprun/mcprun/mistraltest"
)

// The published memory and filesystem servers, configured as their READMEs
// show (a scoped package name as a server's name), through the CLI: with
// --prefix-tools the model calls both under valid names and reads each
// result once; strict tool pins recorded on the first run hold on the
// next; `mcprun call` outside the filesystem root prints the server's
// refusal and exits 1.
func TestRunReferenceServers(t *testing.T) {
	node := testpeers.Require(t, testpeers.NodeJS)
	memory := testpeers.Require(t, testpeers.Memory)
	filesystem := testpeers.Require(t, testpeers.Filesystem)
	root, outside := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "notes.txt"), []byte("the quick brown fox"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("top secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	graph := filepath.Join(t.TempDir(), "memory.jsonl")
	servers := map[string]any{"mcpServers": map[string]any{
		"@modelcontextprotocol/server-memory": map[string]any{"command": node, "args": []string{memory},
			"env": map[string]string{"MEMORY_FILE_PATH": graph}},
		"filesystem": map[string]any{"command": node, "args": []string{filesystem, root}},
	}}
	cfg := filepath.Join(t.TempDir(), "servers.json")
	b, _ := json.Marshal(servers)
	if err := os.WriteFile(cfg, b, 0o600); err != nil {
		t.Fatal(err)
	}

	const create, read = "modelcontextprotocol_server-memory_create_entities", "filesystem_read_text_file"
	api := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		created, ok := turn.ResultOf(create)
		if !ok {
			return mistraltest.Respond(mistraltest.Call(create, map[string]any{"entities": []map[string]any{
				{"name": "Ada", "entityType": "person", "observations": []string{"wrote the first program"}}}})), nil
		}
		text, ok := turn.ResultOf(read)
		if !ok {
			return mistraltest.Respond(mistraltest.Call(read, map[string]string{"path": filepath.Join(root, "notes.txt")})), nil
		}
		return mistraltest.Respond(mistraltest.Text(created + "\n---\n" + text)), nil
	})
	defer api.Close()
	env := apiEnv(api)
	env["XDG_STATE_HOME"] = t.TempDir()
	for run := range 2 {
		os.Remove(graph) // Ada is new each time
		code, stdout, stderr := cli(t, env, "run", "--config", cfg, "--prefix-tools", "--tool-pins", "strict", "remember Ada, read my notes")
		if code != 0 || stderr != "" {
			t.Fatalf("run %d: exit %d, stderr %q", run, code, stderr)
		}
		created, text, _ := strings.Cut(strings.TrimSpace(stdout), "\n---\n")
		if !json.Valid([]byte(created)) || strings.Count(created, "wrote the first program") != 1 || text != "the quick brown fox" {
			t.Fatalf("run %d: the model read\n%s", run, stdout)
		}
	}

	// Every tool pinned, under its server.
	raw, err := os.ReadFile(filepath.Join(env["XDG_STATE_HOME"], "mcprun", "tool-pins.json"))
	var pins map[string]map[string]json.RawMessage
	if err == nil {
		err = json.Unmarshal(raw, &pins)
	}
	counts := map[string]int{}
	for key, tools := range pins {
		server, _, _ := strings.Cut(key, " ")
		counts[server] = len(tools)
	}
	if err != nil || len(counts) != 2 || counts["@modelcontextprotocol/server-memory"] != 9 || counts["filesystem"] != 14 {
		t.Fatalf("tools pinned per server %v (%v)", counts, err)
	}

	code, stdout, stderr := cli(t, nil, "call", "--config", cfg, "filesystem", "read_text_file", `{"path":"`+filepath.Join(outside, "secret.txt")+`"}`)
	if code != 1 || !strings.Contains(stdout, "Access denied") || strings.Contains(stdout, "top secret") {
		t.Fatalf("call outside the root: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
