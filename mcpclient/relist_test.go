package mcpclient

import "testing"

// Listing tools is safe to repeat: while the server keeps crashing under
// it, the listing moves to the next session (a load of runs sharing a
// crashing server failed on "list tools: EOF" or "write |1: broken pipe"
// when it was tried on two sessions only). A server that never answers is
// still an error, after safeAttempts sessions.
func TestListingRetriesOnNewSessions(t *testing.T) {
	noLeaks(t)
	c := fastServer(t, "crashlist=3", WithReconnect(10))
	if err := c.Connect(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	tools, err := c.Tools(ctxT(t))
	if err != nil || len(tools) != 1 {
		t.Fatalf("tools %v, err %v", tools, err)
	}
	always := fastServer(t, "crashlist=100", WithReconnect(10))
	if err := always.Connect(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := always.Tools(ctxT(t)); err == nil {
		t.Fatalf("a server that always crashes listed its tools: %v", err)
	}
}
