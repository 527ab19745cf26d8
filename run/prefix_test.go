package run_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

var mistralName = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// namedServer is a go-sdk server whose tools answer with the server's name.
func namedServer(name string, tools ...string) *mcpclient.Client {
	s := mcp.NewServer(&mcp.Implementation{Name: "x", Version: "1"}, nil)
	for _, tool := range tools {
		mcp.AddTool(s, &mcp.Tool{Name: tool, Description: "d"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: name + "/" + tool}}}, nil, nil
		})
	}
	return mustMCP(mcpclient.NewInMemory(s, mcpclient.WithName(name)))
}

func TestPrefixMakesValidUniqueNames(t *testing.T) {
	long := strings.Repeat("l", 60)
	servers := []struct{ name, prefix string }{
		{"memory", "@modelcontextprotocol/server-memory_"},
		{"context7", "io.github.upstash/context7_"},
		{"jp", "日本"},
		{"cn", "中国"},
		{"dots", "a.b_"},
		{"slash", "a/b_"},
		{"long1", strings.Repeat("very-long-server-name-", 4) + "1_"},
		{"long2", strings.Repeat("very-long-server-name-", 4) + "2_"},
	}
	opts := []run.Option{run.WithModel("m")}
	for _, s := range servers {
		opts = append(opts, run.WithMCP(namedServer(s.name, "search", long+"_a", long+"_b"), run.Prefix(s.prefix)))
	}
	st := mistraltest.NewServer(mistraltest.Echo())
	defer st.Close()
	tools, err := newRunner(t, st, opts...).Tools(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tl := range tools {
		n := tl.Function.Name
		if !mistralName.MatchString(n) || seen[n] {
			t.Errorf("name %q: valid %v, seen before %v", n, mistralName.MatchString(n), seen[n])
		}
		seen[n] = true
	}
	if len(seen) != 3*len(servers) {
		t.Fatalf("%d names for %d tools", len(seen), 3*len(servers))
	}
	for _, want := range []string{"io_github_upstash_context7_search", "a_b_"} {
		found := false
		for n := range seen {
			found = found || strings.HasPrefix(n, want)
		}
		if !found {
			t.Errorf("no name starting %q in %v", want, seen)
		}
	}

	// The same names every time (a conversation's calls must still
	// resolve), and each reaches its own server's tool.
	again, _ := newRunner(t, st, opts...).Tools(context.Background())
	for i := range tools {
		if tools[i].Function.Name != again[i].Function.Name {
			t.Fatalf("names differ between Runners: %q, %q", tools[i].Function.Name, again[i].Function.Name)
		}
	}
	var jpSearch, cnLongB string
	for i, tl := range tools {
		switch i {
		case 2*3 + 2: // tools come sorted: long_a, long_b, search
			jpSearch = tl.Function.Name
		case 3*3 + 1:
			cnLongB = tl.Function.Name
		}
	}
	for name, want := range map[string]string{jpSearch: "jp/search", cnLongB: "cn/" + long + "_b"} {
		s := mistraltest.NewServer(callOnce(name, map[string]any{}))
		res, err := newRunner(t, s, opts...).Run(context.Background(), mistral.TextInputs("go"))
		s.Close()
		if err != nil || res.Text() != "got: "+want {
			t.Fatalf("calling %q: %v %v, want %q", name, res, err, want)
		}
	}
}
