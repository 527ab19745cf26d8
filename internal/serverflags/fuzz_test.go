package serverflags

import (
	"strings"
	"testing"
)

// Any command line gets a name: never empty, never a path.
func FuzzName(f *testing.F) {
	for _, s := range []string{"npx -y @a/b@1", "uvx x[y]==1", "docker run -i img:1", "python -m a.b", "python -m a/b", "node a/b/index.js", "uv run", "npx @", "deno run npm:", "go run ./cmd/server@v1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words := strings.Split(s, " ")
		name := Name(words)
		if name == "" || strings.ContainsAny(name, `/\`) {
			t.Fatalf("Name(%q) = %q", words, name)
		}
	})
}
