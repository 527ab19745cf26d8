package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// emailModel looks Ada up and emails her in one turn, then reports.
func emailModel(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
	if res, ok := t.ResultOf("send_email"); ok {
		return mistraltest.Respond(mistraltest.Text("send_email said: " + res)), nil
	}
	return mistraltest.Respond(
		mistraltest.Call("lookup_contact", map[string]string{"name": "Ada"}),
		mistraltest.Call("send_email", map[string]string{"to": "ada@example.com", "subject": "The build is green"}),
	), nil
}

func newClient(t *testing.T, s *mistraltest.Server) *mistral.Client {
	c, err := mistral.NewClient(mistral.WithServerURL(s.URL), mistral.WithAPIKey("test-key"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDeferThenApproveOrDeny(t *testing.T) {
	for _, tc := range []struct {
		deny       bool
		want, sent string
	}{
		{false, "send_email said: sent", "sent to ada@example.com: The build is green\n"},
		{true, "send_email said: Tool call denied: not today", ""},
	} {
		s := mistraltest.NewServer(emailModel)
		var sent bytes.Buffer
		outbox = &sent
		state := filepath.Join(t.TempDir(), "approval.json")
		var out bytes.Buffer
		if err := start(context.Background(), newClient(t, s), &out, state, "Email Ada that the build is green."); err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`waiting for approval: (\S+) send_email \{`).FindStringSubmatch(out.String())
		if m == nil || sent.Len() != 0 {
			t.Fatalf("first step: %q, sent %q", out.String(), sent.String())
		}
		raw, _ := os.ReadFile(state)
		var saved struct {
			Executed []struct{ Name, Result string } `json:"executed"`
		}
		json.Unmarshal(raw, &saved)
		if len(saved.Executed) != 1 || saved.Executed[0].Result != "ada@example.com" {
			t.Errorf("state %s", raw)
		}
		// The second step: another client and Runner, as another process.
		callID := m[1]
		deny := ""
		if tc.deny {
			deny = callID
		}
		out.Reset()
		if err := finish(context.Background(), newClient(t, s), &out, state, deny, "not today"); err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(out.String()) != tc.want || sent.String() != tc.sent {
			t.Errorf("second step: %q, sent %q", out.String(), sent.String())
		}
		if _, err := os.Stat(state); !os.IsNotExist(err) {
			t.Errorf("state left behind")
		}
		s.Close()
	}
}
