// Package readme checks that the Go snippets of the repository's README.md
// compile against the current API, so that a reader who copies one is not
// misled. It has no code of its own.
package readme

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// snippetHeader makes a README snippet a program: the snippet becomes the
// body of main, with ctx in scope and the packages it may use imported.
const snippetHeader = `package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

var (
	_ = json.Marshal
	_ = fmt.Println
	_ = mcpclient.NewStdio
	_ = mistral.NewClient
	_ = mistraltest.NewServer
	_ = run.New
)

func main() {
	ctx := context.Background()
	_ = ctx
`

var goBlock = regexp.MustCompile("(?s)```go\n(.*?)```")

// notUsed is the one compiler complaint a fragment may earn: it shows
// values (res, err) without using them.
var notUsed = regexp.MustCompile(`declared and not used`)

func TestREADMESnippetsCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds each snippet with the go command")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := goBlock.FindAllSubmatch(readme, -1)
	if len(blocks) == 0 {
		t.Fatal("no ```go block in README.md")
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range blocks {
		// The program lives, for the go command only, in a directory of
		// this module (an overlay), so that its imports resolve here.
		src := filepath.Join(t.TempDir(), "main.go")
		if err := os.WriteFile(src, []byte(snippetHeader+string(b[1])+"}\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		virtual := filepath.Join(wd, fmt.Sprintf("snippet%d", i), "main.go")
		overlay, _ := json.Marshal(map[string]any{"Replace": map[string]string{virtual: src}})
		overlayFile := filepath.Join(t.TempDir(), "overlay.json")
		if err := os.WriteFile(overlayFile, overlay, 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("go", "build", "-overlay", overlayFile, "-gcflags=-e", "-o", os.DevNull, "./"+filepath.Base(filepath.Dir(virtual)))
		out, _ := cmd.CombinedOutput()
		var errs []string
		for _, line := range strings.Split(string(out), "\n") {
			if strings.Contains(line, ".go:") && !notUsed.MatchString(line) {
				errs = append(errs, line)
			}
		}
		if len(errs) > 0 || (cmd.ProcessState.ExitCode() != 0 && !notUsed.Match(out)) {
			t.Errorf("README.md Go block %d does not compile:\n%s\n%s", i+1, strings.Join(errs, "\n"), b[1])
		}
	}
}
