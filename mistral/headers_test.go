package mistral

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// A request with a JSON body says so; one without a body has no
// Content-Type. Both accept JSON.
func TestRequestContentType(t *testing.T) {
	var mu sync.Mutex
	got := map[string][2]string{} // method → Content-Type, Accept
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got[r.Method] = [2]string{r.Header.Get("Content-Type"), r.Header.Get("Accept")}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"ag_1","model":"m","name":"a"}`))
	}))
	defer s.Close()
	c, err := NewClient(WithAPIKey("k"), WithServerURL(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.CreateAgent(ctx, &CreateAgentRequest{Model: "m", Name: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetAgent(ctx, "ag_1"); err != nil {
		t.Fatal(err)
	}
	if got["POST"] != [2]string{"application/json", "application/json"} || got["GET"] != [2]string{"", "application/json"} {
		t.Fatalf("headers %q", got)
	}
}
