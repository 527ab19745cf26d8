package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/mistraltest"
)

// run --stream prints text that arrives as chunks (as answers citing
// sources do), each citation as [N], and the references after the answer.
func TestStreamChunkText(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Sequence(mistraltest.Respond(mistraltest.Chunks(
		json.RawMessage(`{"type":"text","text":"Paris is the capital"}`),
		json.RawMessage(`{"type":"tool_reference","tool":"web_search","title":"Paris - Wikipedia","url":"https://en.wikipedia.org/wiki/Paris"}`),
		json.RawMessage(`{"type":"text","text":" and largest city of France"}`),
		json.RawMessage(`{"type":"tool_reference","tool":"web_search","title":"Paris - Wikipedia","url":"https://en.wikipedia.org/wiki/Paris"}`),
		json.RawMessage(`{"type":"text","text":"."}`),
	))))
	defer s.Close()
	code, stdout, stderr := cli(t, apiEnv(s), "run", "--stream", "capital of France?")
	want := "Paris is the capital[1] and largest city of France[1].\n\nReferences:\n[1] Paris - Wikipedia — https://en.wikipedia.org/wiki/Paris\n"
	if code != 0 || stdout != want {
		t.Fatalf("exit %d stdout %q (want %q) stderr %q", code, stdout, want, stderr)
	}
	if strings.Contains(stdout, "tool_reference") {
		t.Fatal("raw chunk printed")
	}
}
