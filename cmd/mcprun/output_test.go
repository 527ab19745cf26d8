package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/mistraltest"
)

// A prose answer to a run with --output-schema: exit 1 with one line
// naming what is wrong; the answer is still printed (plain), or the partial
// result (--json).
func TestOutputSchemaViolation(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		return mistraltest.Respond(mistraltest.Text("It is sunny in Paris.")), nil
	})
	defer s.Close()
	schema := filepath.Join(t.TempDir(), "weather.schema.json")
	os.WriteFile(schema, []byte(`{"type":"object","properties":{"location":{"type":"string"}},"required":["location"],"additionalProperties":false}`), 0o644)
	code, stdout, stderr := cli(t, apiEnv(s), "run", "--output-schema", schema, "weather?")
	if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "not the structured output asked for: not JSON") || !strings.Contains(stdout, "It is sunny") {
		t.Fatalf("plain: exit %d %q %q", code, stdout, stderr)
	}
	code, stdout, stderr = cli(t, apiEnv(s), "run", "--output-schema", schema, "--json", "weather?")
	var out struct {
		ConversationID string            `json:"conversation_id"`
		OutputEntries  []json.RawMessage `json:"output_entries"`
		Error          string            `json:"error"`
	}
	if code != 1 || strings.Count(stderr, "\n") != 1 || json.Unmarshal([]byte(stdout), &out) != nil || out.ConversationID == "" || len(out.OutputEntries) != 1 || !strings.Contains(out.Error, "not JSON") {
		t.Fatalf("--json: exit %d %q %q", code, stdout, stderr)
	}
}
