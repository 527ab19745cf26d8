package mistral

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"testing"
)

// An agent's completion_args.stop may be a string or a list (the API's
// schema allows both): both decode; it is written as a list.
func TestStopStringOrList(t *testing.T) {
	for in, want := range map[string]Stop{
		`{"stop":"END"}`:      {"END"},
		`{"stop":["a","b"]}`:  {"a", "b"},
		`{"stop":null}`:       nil,
		`{"temperature":0.5}`: nil,
	} {
		var ca CompletionArgs
		if err := json.Unmarshal([]byte(in), &ca); err != nil || !reflect.DeepEqual(ca.Stop, want) {
			t.Errorf("%s: %v %v", in, ca.Stop, err)
		}
	}
	var ca CompletionArgs
	if err := json.Unmarshal([]byte(`{"stop":7}`), &ca); err == nil {
		t.Error("a number was taken for stop")
	}
	b, _ := json.Marshal(CompletionArgs{Stop: Stop{"END"}})
	if string(b) != `{"stop":["END"]}` {
		t.Errorf("%s", b)
	}
	var a Agent
	if err := json.Unmarshal([]byte(`{"id":"ag_1","completion_args":{"stop":"\n\n"}}`), &a); err != nil || a.CompletionArgs == nil || a.CompletionArgs.Stop[0] != "\n\n" {
		t.Fatalf("agent with a string stop: %+v %v", a, err)
	}
}

// Requests say who makes them: mcprun/VERSION (go; OS/ARCH).
func TestUserAgent(t *testing.T) {
	var got string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("User-Agent")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"object":"list","data":[]}`))
	}))
	defer hs.Close()
	c, err := NewClient(WithAPIKey("k"), WithServerURL(hs.URL))
	if err != nil {
		t.Fatal(err)
	}
	c.ListAgentsPage(context.Background(), nil)
	if !regexp.MustCompile(`^mcprun/\S+ \(go; \w+/\w+\)$`).MatchString(got) {
		t.Fatalf("User-Agent %q", got)
	}
}
