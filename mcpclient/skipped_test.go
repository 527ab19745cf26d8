package mcpclient

import (
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// A listing's unusable tools are reported with why, once each, in the
// server's order.
func TestSkippedTools(t *testing.T) {
	o, err := buildOptions(familyAny, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := newClient("s", o, nil)
	ts := c.buildToolSet([]*mcp.Tool{
		{Name: "good"},
		{Name: "bad", InputSchema: map[string]any{"type": "array"}},
		{Name: "good"},
	})
	if len(ts.list) != 1 || len(ts.skipped) != 2 {
		t.Fatalf("list %v skipped %v", ts.list, ts.skipped)
	}
	if ts.skipped[0].Name != "bad" || !strings.Contains(ts.skipped[0].Err.Error(), `want "object"`) {
		t.Fatalf("%+v", ts.skipped[0])
	}
	if ts.skipped[1].Name != "good" || !strings.Contains(ts.skipped[1].Err.Error(), "second tool") {
		t.Fatalf("%+v", ts.skipped[1])
	}
}
