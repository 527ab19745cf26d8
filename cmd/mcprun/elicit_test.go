package main

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/run"
)

func elicitApp(stdin string, terminal bool) (*app, *syncBuffer) {
	var errOut syncBuffer
	return &app{stdin: strings.NewReader(stdin), stdout: &syncBuffer{}, stderr: &errOut, getenv: func(string) string { return "" }, stdinTerminal: &terminal}, &errOut
}

// The schema as the go-sdk hands it over (decoded JSON).
var form = map[string]any{
	"type": "object",
	"properties": map[string]any{
		"name":  map[string]any{"type": "string", "title": "Your name"},
		"size":  map[string]any{"type": "string", "enum": []any{"S", "M", "L"}, "default": "M"},
		"count": map[string]any{"type": "integer"},
		"gift":  map[string]any{"type": "boolean", "description": "wrap it"},
	},
	"required": []any{"name"},
}

func TestElicitForm(t *testing.T) {
	// Required first, then by name. name: empty (required) then Ada;
	// count: 3; gift: y; size: XL (refused) then empty (default M).
	a, errOut := elicitApp("\nAda\n3\ny\nXL\n\n", true)
	res, err := a.elicit(context.Background(), &run.ElicitationRequest{Server: "shop", Params: &mcp.ElicitParams{Message: "Order details?", RequestedSchema: form}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "Ada", "size": "M", "count": int64(3), "gift": true}
	if res.Action != "accept" || !reflect.DeepEqual(res.Content, want) {
		t.Fatalf("%+v (stderr %q)", res, errOut.String())
	}
	for _, s := range []string{"shop asks: Order details?", "Your name *", "size [S/M/L] default \"M\"", "one of: S, M, L", "gift (wrap it) [y/n]"} {
		if !strings.Contains(errOut.String(), s) {
			t.Errorf("prompt lacks %q: %q", s, errOut.String())
		}
	}
}

func TestElicitCancelURLAndNoTerminal(t *testing.T) {
	a, _ := elicitApp("Ada\n", true) // input ends mid-form: cancel
	if res, _ := a.elicit(context.Background(), &run.ElicitationRequest{Params: &mcp.ElicitParams{Message: "m", RequestedSchema: form}}); res.Action != "cancel" {
		t.Errorf("end of input: %+v", res)
	}
	a, errOut := elicitApp("y\n", true)
	res, _ := a.elicit(context.Background(), &run.ElicitationRequest{Server: "bank", Params: &mcp.ElicitParams{Mode: "url", URL: "https://bank.example/consent", Message: "Link your account"}})
	if res.Action != "accept" || !strings.Contains(errOut.String(), "https://bank.example/consent") {
		t.Errorf("url: %+v %q", res, errOut.String())
	}
	a, errOut = elicitApp("Ada\n", false)
	res, _ = a.elicit(context.Background(), &run.ElicitationRequest{Server: "shop", Params: &mcp.ElicitParams{Message: "Order details?", RequestedSchema: form}})
	if res.Action != "decline" || !strings.Contains(errOut.String(), "declined: stdin is not a terminal") {
		t.Errorf("no terminal: %+v %q", res, errOut.String())
	}
}
