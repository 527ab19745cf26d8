package mistraltest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
)

func client(t *testing.T, s *mistraltest.Server) *mistral.Client {
	t.Helper()
	c, err := mistral.NewClient(mistral.WithServerURL(s.URL), mistral.WithAPIKey("test"), mistral.WithRetryBackoff(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// weather plays a model that calls get_weather once, then answers.
func weather(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
	if res, ok := t.ResultOf("get_weather"); ok {
		return mistraltest.Respond(mistraltest.Text("It is " + res)), nil
	}
	return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
}

var weatherTool = mistral.NewFunctionTool("get_weather", "Weather", json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"}}}`), true)

func TestFunctionCallRoundTrip(t *testing.T) {
	s := mistraltest.NewServer(weather)
	defer s.Close()
	c := client(t, s)
	ctx := context.Background()
	resp, err := c.StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("weather?"), Model: "m", Tools: []mistral.Tool{weatherTool}})
	if err != nil {
		t.Fatal(err)
	}
	call, ok := resp.Outputs[0].(*mistral.FunctionCallEntry)
	if !ok || call.Name != "get_weather" || call.Arguments != `{"city":"Paris"}` || call.ToolCallID == "" {
		t.Fatalf("outputs %#v", resp.Outputs)
	}
	resp, err = c.AppendConversation(ctx, resp.ConversationID, &mistral.AppendRequest{Inputs: mistral.EntryInputs(mistral.NewFunctionResult(call.ToolCallID, "20C"))})
	if err != nil {
		t.Fatal(err)
	}
	msg := resp.Outputs[0].(*mistral.MessageOutputEntry)
	if msg.Content.Text != "It is 20C" || resp.Usage.TotalTokens == 0 {
		t.Fatalf("answer %+v usage %+v", msg, resp.Usage)
	}
	h, err := c.GetConversationHistory(ctx, resp.ConversationID)
	if err != nil || len(h.Entries) != 4 {
		t.Fatalf("history %v %d", err, len(h.Entries))
	}
	m, err := c.GetConversationMessages(ctx, resp.ConversationID)
	if err != nil || len(m.Messages) != 2 {
		t.Fatalf("messages %v %+v", err, m)
	}
}

func TestStreamingMatchesStoredEntries(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Sequence(
		mistraltest.Respond(mistraltest.Text("Hello, streaming world!"), mistraltest.Call("f", map[string]int{"a": 1}), mistraltest.ToolExecution("web_search", `{"q":"x"}`, map[string]any{"n": 1})),
	), mistraltest.WithDeltaSize(4))
	defer s.Close()
	var text, args strings.Builder
	var types []string
	var convID string
	for ev, err := range client(t, s).StartConversationStream(context.Background(), &mistral.ConversationRequest{Inputs: mistral.TextInputs("hi"), Model: "m", Tools: []mistral.Tool{mistral.NewFunctionTool("f", "", nil, false)}}) {
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, ev.EventType())
		switch e := ev.(type) {
		case *mistral.ResponseStartedEvent:
			convID = e.ConversationID
		case *mistral.MessageOutputDeltaEvent:
			text.WriteString(e.Content.Text)
		case *mistral.FunctionCallDeltaEvent:
			args.WriteString(e.Arguments)
		}
	}
	if text.String() != "Hello, streaming world!" || args.String() != `{"a":1}` {
		t.Errorf("text %q args %q", text.String(), args.String())
	}
	if types[0] != mistral.EventResponseStarted || types[len(types)-1] != mistral.EventResponseDone || len(types) < 10 {
		t.Errorf("event types %v", types)
	}
	if entries, ok := s.Conversation(convID); !ok || len(entries) != 4 {
		t.Errorf("stored %v %d", ok, len(entries))
	}
}

func apiErr(t *testing.T, err error, status int) *mistral.APIError {
	t.Helper()
	var e *mistral.APIError
	if !errors.As(err, &e) || e.StatusCode != status {
		t.Fatalf("want API error %d, got %v", status, err)
	}
	return e
}

func TestValidation(t *testing.T) {
	s := mistraltest.NewServer(weather)
	defer s.Close()
	c := client(t, s)
	ctx := context.Background()
	_, err := c.StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x")})
	apiErr(t, err, 400)
	_, err = c.StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m", AgentID: "a"})
	apiErr(t, err, 400)
	_, err = c.StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m", Tools: []mistral.Tool{mistral.NewFunctionTool("bad name!", "", nil, true)}})
	apiErr(t, err, 422)
	_, err = c.StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m", Tools: []mistral.Tool{weatherTool, weatherTool}})
	apiErr(t, err, 422)
	_, err = c.StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), AgentID: "nope"})
	apiErr(t, err, 404)
	_, err = c.AppendConversation(ctx, "conv_missing", &mistral.AppendRequest{Inputs: mistral.TextInputs("x")})
	apiErr(t, err, 404)
	_, err = c.StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m", CompletionArgs: &mistral.CompletionArgs{ResponseFormat: &mistral.ResponseFormat{Type: "json_schema", JSONSchema: &mistral.JSONSchema{Name: "x"}}}})
	apiErr(t, err, 422)

	resp, err := c.StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m", Tools: []mistral.Tool{weatherTool}})
	if err != nil {
		t.Fatal(err)
	}
	// A result for an unknown call, or a message while a call awaits its result.
	_, err = c.AppendConversation(ctx, resp.ConversationID, &mistral.AppendRequest{Inputs: mistral.EntryInputs(mistral.NewFunctionResult("call_nope", "x"))})
	if e := apiErr(t, err, 400); !strings.Contains(e.Message, "call_nope") {
		t.Errorf("message %q", e.Message)
	}
	_, err = c.AppendConversation(ctx, resp.ConversationID, &mistral.AppendRequest{Inputs: mistral.TextInputs("hello?")})
	apiErr(t, err, 400)
}

func post(t *testing.T, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRawWireValidation(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	for _, tc := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"inputs":"hi","model":"m","temperature":0.1}`, 422, `"extra_forbidden"`},
		{`{"model":"m"}`, 422, `"missing"`},
		{`{"inputs":[{"type":"function.call","tool_call_id":"c","name":"f","arguments":{"a":1}}],"model":"m"}`, 422, `"string_type"`},
		{`{"inputs":[{"type":"message.input","role":"system","content":"x"}],"model":"m"}`, 422, `literal_error`},
		{`{"inputs":"hi","model":"m","completion_args":{"response_format":{"type":"json_schema","json_schema":{"name":"o","schema_definition":{}}}}}`, 422, `json_schema`},
		{`{"inputs":"hi","model":"m"}`, 200, `"conversation.response"`},
	} {
		status, body := post(t, s.URL+"/v1/conversations", tc.body)
		if status != tc.status || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %s", tc.body, status, body)
		}
	}
	req, _ := http.NewRequest("POST", s.URL+"/v1/conversations", strings.NewReader(`{"inputs":"hi","model":"m"}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 401 {
		t.Errorf("no auth: %v %v", err, resp.StatusCode)
	}
	resp.Body.Close()
}

func TestRateLimitAndServerErrors(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Sequence(mistraltest.RateLimited(10*time.Millisecond), mistraltest.ServerError(503), mistraltest.Respond(mistraltest.Text("ok"))))
	defer s.Close()
	resp, err := client(t, s).StartConversation(context.Background(), &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m"})
	if err != nil || resp.Outputs[0].(*mistral.MessageOutputEntry).Content.Text != "ok" {
		t.Fatalf("%v", err)
	}
	if n := len(s.Requests()); n != 3 {
		t.Errorf("%d requests", n)
	}
}

func TestCutStreamAndScriptError(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Sequence(&mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("a long answer here")}, CutAfterEvents: 2}))
	defer s.Close()
	c := client(t, s)
	var last error
	for _, err := range c.StartConversationStream(context.Background(), &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m"}) {
		last = err
	}
	if !errors.Is(last, mistral.ErrStreamTruncated) {
		t.Errorf("cut stream: %v", last)
	}
	// The sequence is exhausted: the script errors, streamed as an error event.
	var se *mistral.StreamError
	for _, err := range c.StartConversationStream(context.Background(), &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m"}) {
		if err != nil && !errors.As(err, &se) {
			t.Errorf("unexpected %v", err)
		}
	}
	if se == nil {
		t.Error("script error not streamed as conversation.response.error")
	}
}

func TestDelayEndsWhenClientLeaves(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Sequence(&mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("late")}, Delay: time.Hour}))
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := client(t, s).StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m"})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 30*time.Second {
		t.Errorf("err %v", err)
	}
}

func TestAgentsAndFiles(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, turn *mistraltest.Turn) (*mistraltest.Reply, error) {
		return mistraltest.Respond(mistraltest.Text(turn.AgentID + ":" + turn.Instructions + ":" + turn.Tools[0].Name)), nil
	})
	defer s.Close()
	c := client(t, s)
	ctx := context.Background()
	a, err := c.CreateAgent(ctx, &mistral.CreateAgentRequest{Model: "m", Name: "weather", Instructions: "be nice", Tools: []mistral.Tool{weatherTool}})
	if err != nil || a.ID == "" || a.Version != 0 {
		t.Fatalf("%v %+v", err, a)
	}
	tools := []mistral.Tool{mistral.BuiltinTool("web_search"), weatherTool}
	a2, err := c.UpdateAgent(ctx, a.ID, &mistral.UpdateAgentRequest{Tools: &tools})
	if err != nil || a2.Version != 1 || len(a2.Tools) != 2 || a2.Name != "weather" {
		t.Fatalf("%v %+v", err, a2)
	}
	//lint:ignore SA1019 the server still serves the deprecated endpoint; this tests it
	list, err := c.ListAgents(ctx, nil)
	if err != nil || len(list) != 1 {
		t.Fatalf("%v %d", err, len(list))
	}
	resp, err := c.StartConversation(ctx, &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), AgentID: a.ID})
	if err != nil || resp.Outputs[0].(*mistral.MessageOutputEntry).Content.Text != a.ID+":be nice:" {
		t.Fatalf("%v %+v", err, resp)
	}
	id := s.AddFile("cat.png", "image/png", []byte("PNG..."))
	f, err := c.GetFile(ctx, id)
	if err != nil || f.Filename != "cat.png" || f.SizeBytes != 6 {
		t.Fatalf("%v %+v", err, f)
	}
	rc, err := c.DownloadFile(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(b, []byte("PNG...")) {
		t.Errorf("content %q", b)
	}
}

func TestConcurrentConversations(t *testing.T) {
	s := mistraltest.NewServer(weather)
	defer s.Close()
	c := client(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.StartConversation(context.Background(), &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m", Tools: []mistral.Tool{weatherTool}})
			if err != nil {
				errs <- err
				return
			}
			call := resp.Outputs[0].(*mistral.FunctionCallEntry)
			_, err = c.AppendConversation(context.Background(), resp.ConversationID, &mistral.AppendRequest{Inputs: mistral.EntryInputs(mistral.NewFunctionResult(call.ToolCallID, "1C"))})
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// An invalid option is a set-up bug: NewServer panics, naming the option.
func TestInvalidOptionPanics(t *testing.T) {
	for name, opt := range map[string]mistraltest.Option{
		"WithAPIKey":    mistraltest.WithAPIKey(""),
		"WithDeltaSize": mistraltest.WithDeltaSize(0),
		"WithLogger":    mistraltest.WithLogger(nil),
	} {
		func() {
			defer func() {
				msg, _ := recover().(string)
				if !strings.HasPrefix(msg, "mistraltest: NewServer: "+name+": ") {
					t.Errorf("%s: panic %q", name, msg)
				}
			}()
			s := mistraltest.NewServer(mistraltest.Echo(), opt)
			s.Close()
		}()
	}
	defer func() {
		if msg, _ := recover().(string); !strings.Contains(msg, "contradict") {
			t.Errorf("WithAPIKey and WithoutAuth: panic %q", msg)
		}
	}()
	s := mistraltest.NewServer(mistraltest.Echo(), mistraltest.WithAPIKey("k"), mistraltest.WithoutAuth())
	s.Close()
}

// Each option does what it says: WithoutAuth takes requests without a key,
// WithLogger logs them, WithDeltaSize sizes the streamed text deltas; a
// RateLimited reply sends Retry-After in whole seconds.
func TestOptionsApply(t *testing.T) {
	var logs syncBuffer
	s := mistraltest.NewServer(mistraltest.Sequence(
		mistraltest.Respond(mistraltest.Text("abcdefg")),
		mistraltest.RateLimited(2500*time.Millisecond),
	), mistraltest.WithoutAuth(), mistraltest.WithDeltaSize(3), mistraltest.WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	defer s.Close()
	c, err := mistral.NewClient(mistral.WithServerURL(s.URL), mistral.WithMaxRetries(0)) // no key
	if err != nil {
		t.Fatal(err)
	}
	var deltas []string
	for ev, err := range c.StartConversationStream(context.Background(), &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m"}) {
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := ev.(*mistral.MessageOutputDeltaEvent); ok {
			deltas = append(deltas, d.Content.Text)
		}
	}
	if strings.Join(deltas, "|") != "abc|def|g" {
		t.Errorf("deltas %q", deltas)
	}
	if !strings.Contains(logs.String(), "/v1/conversations") {
		t.Errorf("request not logged: %q", logs.String())
	}
	_, err = c.StartConversation(context.Background(), &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m"})
	if e := apiErr(t, err, 429); e.RetryAfter != 3*time.Second {
		t.Errorf("Retry-After %v, want 3s (2.5s rounded)", e.RetryAfter)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's handlers and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// EventDelay spaces a stream's events: the first delta arrives long
// before the last.
func TestEventDelaySpacesTheStream(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Sequence(&mistraltest.Reply{Outputs: []mistraltest.Output{mistraltest.Text("slowly, slowly")}, EventDelay: 50 * time.Millisecond}))
	defer s.Close()
	var first, last time.Time
	deltas := 0
	text := ""
	start := time.Now()
	for ev, err := range client(t, s).StartConversationStream(context.Background(), &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m"}) {
		if err != nil {
			t.Fatal(err)
		}
		if d, ok := ev.(*mistral.MessageOutputDeltaEvent); ok {
			if first.IsZero() {
				first = time.Now()
			}
			last = time.Now()
			deltas++
			text += d.Content.Text
		}
	}
	// "slowly, slowly" is two deltas of 8 characters, the stream's second
	// and third events: each comes after a pause, so the last cannot
	// arrive before two pauses have passed since the request. (Measured
	// between the two deltas, the gap can look shorter than a pause when
	// the first one is read late.)
	if text != "slowly, slowly" || deltas != 2 || last.Sub(start) < 2*50*time.Millisecond {
		t.Errorf("text %q in %d deltas, the last %v after the request, the first %v before it", text, deltas, last.Sub(start), last.Sub(first))
	}
}

// Conversations keep their metadata; the list filters by it and pages.
func TestListConversationsByMetadata(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	c := client(t, s)
	ctx := context.Background()
	ids := map[string]string{}
	for _, k := range []string{"a", "b", ""} {
		req := &mistral.ConversationRequest{Inputs: mistral.TextInputs("x"), Model: "m"}
		if k != "" {
			req.Metadata = map[string]any{"k": k, "n": 1}
		}
		resp, err := c.StartConversation(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		ids[k] = resp.ConversationID
	}
	got, err := c.ListConversations(ctx, &mistral.ListConversationsParams{Metadata: map[string]any{"k": "a"}})
	if err != nil || len(got) != 1 || got[0].ID != ids["a"] || !strings.Contains(string(got[0].Raw), `"metadata":{"k":"a","n":1}`) {
		t.Fatalf("by metadata: %v %+v", err, got)
	}
	if got, err = c.ListConversations(ctx, &mistral.ListConversationsParams{Metadata: map[string]any{"k": "a", "n": 2}}); err != nil || len(got) != 0 {
		t.Fatalf("a member that differs: %v %+v", err, got)
	}
	all, err := c.ListConversations(ctx, nil)
	if err != nil || len(all) != 3 || all[0].ID != ids[""] {
		t.Fatalf("all, newest first: %v %+v", err, all)
	}
	if got, err = c.ListConversations(ctx, &mistral.ListConversationsParams{Page: 1, PageSize: 2}); err != nil || len(got) != 1 || got[0].ID != ids["a"] {
		t.Fatalf("page 1 of 2: %v %+v", err, got)
	}
}
