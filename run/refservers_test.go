package run_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/internal/stdioswitch"
	"github.com/mcprun/mcprun/internal/testpeers"
	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// The published reference servers @modelcontextprotocol/server-memory and
// server-filesystem (`make tools` installs them), run over stdio as users
// run them. Both send every result twice, as text and as structuredContent;
// these tests check what the model gets from them.

var (
	memoryTools = []string{"add_observations", "create_entities", "create_relations", "delete_entities",
		"delete_observations", "delete_relations", "open_nodes", "read_graph", "search_nodes"}
	filesystemTools = []string{"create_directory", "directory_tree", "edit_file", "get_file_info",
		"list_allowed_directories", "list_directory", "list_directory_with_sizes", "move_file",
		"read_file", "read_media_file", "read_multiple_files", "read_text_file", "search_files", "write_file"}
)

// startMemory runs server-memory under Node 22, its graph in a file of the
// test's own (by default it writes next to its code, in the shared cache).
func startMemory(t *testing.T) *mcpclient.Client {
	t.Helper()
	node := testpeers.Require(t, testpeers.NodeJS)
	bin := testpeers.Require(t, testpeers.Memory)
	return mustMCP(mcpclient.NewStdio(node, []string{bin}, mcpclient.WithName("memory"),
		mcpclient.WithEnv(map[string]string{"MEMORY_FILE_PATH": filepath.Join(t.TempDir(), "memory.jsonl")})))
}

// startFilesystem runs server-filesystem under Node 22, serving root only.
func startFilesystem(t *testing.T, root string) *mcpclient.Client {
	t.Helper()
	node := testpeers.Require(t, testpeers.NodeJS)
	bin := testpeers.Require(t, testpeers.Filesystem)
	return mustMCP(mcpclient.NewStdio(node, []string{bin, root}, mcpclient.WithName("filesystem")))
}

// Every tool of both servers is offered, under a valid Mistral name, with
// and without prefixes (the CLI's --prefix-tools uses the configured server
// name, here the npm package's), and with its parameters converted whole.
func TestReferenceServersToolsAccepted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	memory, filesystem := startMemory(t), startFilesystem(t, t.TempDir())
	for _, c := range []*mcpclient.Client{memory, filesystem} {
		if err := c.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		if skipped, err := c.SkippedTools(ctx); err != nil || len(skipped) > 0 {
			t.Fatalf("%s: skipped tools %v, %v", c.Name(), skipped, err)
		}
	}
	for _, tc := range []struct {
		name           string
		memPre, fsPre  string
		memOpts, fsOps []run.MCPOption
	}{
		{name: "unprefixed"},
		{name: "prefixed", memPre: "modelcontextprotocol_server-memory_", fsPre: "modelcontextprotocol_server-filesystem_",
			memOpts: []run.MCPOption{run.Prefix("@modelcontextprotocol/server-memory_")},
			fsOps:   []run.MCPOption{run.Prefix("@modelcontextprotocol/server-filesystem_")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var seen []string
			api := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
				for _, tl := range turn.Tools {
					seen = append(seen, tl.Name)
				}
				return mistraltest.Respond(mistraltest.Text("ok")), nil
			})
			defer api.Close()
			r, err := run.New(newClient(t, api), run.WithModel("m"), run.WithMCP(memory, tc.memOpts...), run.WithMCP(filesystem, tc.fsOps...))
			if err != nil {
				t.Fatal(err)
			}
			// Not closed here: the next case uses the same servers.
			tools, err := r.Tools(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, n := range memoryTools {
				want = append(want, tc.memPre+n)
			}
			for _, n := range filesystemTools {
				want = append(want, tc.fsPre+n)
			}
			slices.Sort(want)
			var got []string
			params := map[string]json.RawMessage{}
			for _, tl := range tools {
				n := tl.Function.Name
				if !mistralName.MatchString(n) {
					t.Errorf("invalid name %q", n)
				}
				got = append(got, n)
				params[n] = tl.Function.Parameters
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("tools offered:\n%v\nwant\n%v", got, want)
			}
			// Each tool's parameters are its input schema's: same
			// properties, same required ones, nested ones kept.
			for c, pre := range map[*mcpclient.Client]string{memory: tc.memPre, filesystem: tc.fsPre} {
				mts, _ := c.Tools(ctx)
				for _, mt := range mts {
					var in, out objectSchema
					if err := json.Unmarshal(mt.InputSchema, &in); err != nil {
						t.Fatal(err)
					}
					if err := json.Unmarshal(params[pre+mt.Name], &out); err != nil {
						t.Fatalf("%s: parameters %s: %v", mt.Name, params[pre+mt.Name], err)
					}
					if out.Type != "object" || !slices.Equal(out.propertyNames(), in.propertyNames()) || !slices.Equal(out.Required, in.Required) {
						t.Errorf("%s: parameters %s, from input schema %s", mt.Name, params[pre+mt.Name], mt.InputSchema)
					}
				}
			}
			var edits struct {
				Properties struct {
					Edits struct {
						Items objectSchema `json:"items"`
					} `json:"edits"`
				} `json:"properties"`
			}
			_ = json.Unmarshal(params[tc.fsPre+"edit_file"], &edits)
			if !slices.Equal(edits.Properties.Edits.Items.Required, []string{"oldText", "newText"}) {
				t.Errorf("edit_file's edits lost their item schema: %s", params[tc.fsPre+"edit_file"])
			}
			// The API accepts them all (the fake checks names and
			// schemas as the real service does).
			if _, err := r.Run(ctx, mistral.TextInputs("hi")); err != nil {
				t.Fatal(err)
			}
			slices.Sort(seen)
			if !slices.Equal(seen, want) {
				t.Errorf("the API got tools %v", seen)
			}
		})
	}
	memory.Close()
	filesystem.Close()
}

type objectSchema struct {
	Type       string                     `json:"type"`
	Properties map[string]json.RawMessage `json:"properties"`
	Required   []string                   `json:"required"`
}

func (s objectSchema) propertyNames() []string {
	return slices.Sorted(func(yield func(string) bool) {
		for k := range s.Properties {
			if !yield(k) {
				return
			}
		}
	})
}

// A run that calls both servers' tools: each result reaches the model once
// (the text, not again as structuredContent JSON), a picture is described
// rather than dumped as base64, a result too large for a message is an
// error result, and a path outside the filesystem server's root is refused
// — an error result the model reads, not a failed run.
func TestReferenceServersResultsOnce(t *testing.T) {
	t.Parallel()
	root, outside := t.TempDir(), t.TempDir()
	write := func(path, content string) {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "notes.txt"), "the quick brown fox\n")
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("pixels", 10)
	write(filepath.Join(root, "pic.png"), png)
	if err := os.Mkdir(filepath.Join(root, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Sent twice (text and structuredContent), 9 MiB make a message over
	// the stdio transport's 16 MiB bound. Over the go-sdk's transport
	// (MCPRUN_TEST_SDKSTDIO=1) such an answer breaks the connection instead,
	// and the run stops there (mcpclient's tests check that): the file is
	// then one that fits.
	big := strings.Repeat("0123456789abcde\n", 9<<16)
	if stdioswitch.SDK() {
		big = strings.Repeat("0123456789abcde\n", 64)
	}
	write(filepath.Join(root, "big.txt"), big)
	write(filepath.Join(outside, "secret.txt"), "top secret\n")
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(root, "link.txt")); err != nil {
		t.Fatal(err)
	}

	type call struct {
		name string
		args any
	}
	calls := []call{
		{"create_entities", map[string]any{"entities": []map[string]any{{"name": "Ada", "entityType": "person", "observations": []string{"wrote the first program"}}}}},
		{"create_relations", map[string]any{"relations": []map[string]any{{"from": "Ada", "to": "Ada", "relationType": "admires"}}}},
		{"read_graph", map[string]any{}},
		{"read_text_file", map[string]any{"path": filepath.Join(root, "notes.txt")}},
		{"list_directory", map[string]any{"path": root}},
		{"read_media_file", map[string]any{"path": filepath.Join(root, "pic.png")}},
		{"read_text_file", map[string]any{"path": filepath.Join(root, "big.txt")}},
		{"read_text_file", map[string]any{"path": filepath.Join(outside, "secret.txt")}},
		{"read_text_file", map[string]any{"path": filepath.Join(root, "..", filepath.Base(outside), "secret.txt")}},
		{"read_text_file", map[string]any{"path": filepath.Join(root, "link.txt")}},
	}
	// The memory calls one after another (each needs the one before); the
	// others in parallel, the 9 MiB answer among answers to other calls in
	// flight.
	turns := [][]int{{0}, {1}, {2}, {3, 4, 5, 6}, {7, 8, 9}}
	api := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		if i := turn.TurnInConversation; i < len(turns) {
			var out []mistraltest.Output
			for _, c := range turns[i] {
				out = append(out, mistraltest.Call(calls[c].name, calls[c].args))
			}
			return mistraltest.Respond(out...), nil
		}
		return mistraltest.Respond(mistraltest.Text("done")), nil
	})
	defer api.Close()
	r := newRunner(t, api, run.WithModel("m"), run.WithMaxTurns(len(turns)+1),
		run.WithMCP(startMemory(t)), run.WithMCP(startFilesystem(t, root)))
	res, err := r.Run(context.Background(), mistral.TextInputs("go"))
	if err != nil {
		t.Fatal(err) // a refused path must not fail the run
	}
	if res.Text() != "done" {
		t.Fatalf("answer %q", res.Text())
	}

	// What the API received: each call's function.result (the calls are
	// stored in the order the script made them).
	entries, ok := api.Conversation(res.ConversationID)
	if !ok {
		t.Fatal("no conversation")
	}
	index := map[string]int{}
	results := make([]string, len(calls))
	answered := 0
	for _, e := range entries {
		switch e.Type {
		case "function.call":
			if i := len(index); i >= len(calls) || e.Name != calls[i].name {
				t.Fatalf("call %d is %s", i, e.Name)
			}
			index[e.ToolCallID] = len(index)
		case "function.result":
			i, ok := index[e.ToolCallID]
			if !ok || results[i] != "" {
				t.Fatalf("result for %s: unknown or answered twice", e.ToolCallID)
			}
			results[i] = e.Result
			answered++
		}
	}
	if answered != len(calls) {
		t.Fatalf("%d results for %d calls: %q", answered, len(calls), results)
	}

	// memory: the JSON text once — one JSON value, each fact once.
	for i, facts := range map[int][]string{0: {"wrote the first program"}, 1: {"admires"}, 2: {"wrote the first program", "admires"}} {
		if !json.Valid([]byte(results[i])) {
			t.Errorf("%s: not one JSON value (sent twice?):\n%s", calls[i].name, results[i])
		}
		for _, f := range facts {
			if n := strings.Count(results[i], f); n != 1 {
				t.Errorf("%s: %q %d times in:\n%s", calls[i].name, f, n, results[i])
			}
		}
	}
	// filesystem: the file's text and the listing, exactly.
	if results[3] != "the quick brown fox\n" {
		t.Errorf("read_text_file: %q", results[3])
	}
	if results[4] != "[FILE] big.txt\n[FILE] link.txt\n[FILE] notes.txt\n[FILE] pic.png\n[DIR] sub" {
		t.Errorf("list_directory: %q", results[4])
	}
	if want := "[image: image/png, " + strconv.Itoa(len(png)) + " bytes]"; results[5] != want {
		t.Errorf("read_media_file: %q, want %q", results[5], want)
	}
	if b64 := base64.StdEncoding.EncodeToString([]byte(png)); strings.Contains(results[5], b64[:16]) {
		t.Errorf("read_media_file: the picture's base64 reached the model: %q", results[5])
	}
	// Too large for a message: dropped, said to the model once, and the
	// server goes on answering.
	if stdioswitch.SDK() {
		if results[6] != big {
			t.Errorf("read_text_file of %d bytes: %.100q", len(big), results[6])
		}
	} else if want := "Error: the tool's result was too large: the server's answer was "; !strings.HasPrefix(results[6], want) || strings.Count(results[6], "Error") != 1 {
		t.Errorf("read_text_file of 9 MiB: %q, want it to start %q", results[6], want)
	}
	// Outside the root, directly, through "..", through a symlink: refused.
	for i := 7; i < len(calls); i++ {
		if !strings.HasPrefix(results[i], "Error: ") || !strings.Contains(results[i], "Access denied") || strings.Contains(results[i], "top secret") {
			t.Errorf("%s %v: %q, want an access-denied error result", calls[i].name, calls[i].args, results[i])
		}
	}
}
