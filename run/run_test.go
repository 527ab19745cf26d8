package run_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/mistraltest"
	"github.com/mcprun/mcprun/run"
)

// weatherModel asks for John's location, then the weather there, then
// answers with both results.
func weatherModel(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
	loc, ok := t.ResultOf("get_location")
	if !ok {
		return mistraltest.Respond(mistraltest.Call("get_location", map[string]string{"name": "John"})), nil
	}
	w, ok := t.ResultOf("get_weather")
	if !ok {
		return mistraltest.Respond(mistraltest.Text("Looking it up."), mistraltest.Call("get_weather", map[string]string{"city": "Paris"})), nil
	}
	return mistraltest.Respond(mistraltest.Text("John is at " + loc + "; " + w)), nil
}

func TestRunLocalFunctions(t *testing.T) {
	s := mistraltest.NewServer(weatherModel)
	defer s.Close()
	r := newRunner(t, s, run.WithModel("mistral-medium-latest"), run.WithFunctions(getLocation, getWeather))
	res, err := r.Run(context.Background(), mistral.TextInputs("Weather at John's?"))
	if err != nil {
		t.Fatal(err)
	}
	want := `John is at {"city":"Paris"}; 21°C in Paris`
	if got := res.Text(); got != want {
		t.Fatalf("final %q, want %q", got, want)
	}
	if res.Turns != 3 || res.ConversationID == "" || res.Usage.TotalTokens == 0 {
		t.Fatalf("turns %d conv %q usage %+v", res.Turns, res.ConversationID, res.Usage)
	}
	var types []string
	for _, e := range res.OutputEntries {
		types = append(types, e.EntryType())
	}
	if got := strings.Join(types, ","); got != "function.call,function.result,message.output,function.call,function.result,message.output" {
		t.Fatalf("entries %s", got)
	}
	if len(res.InputEntries) != 1 || len(res.Entries()) != 7 {
		t.Fatalf("inputs %d entries %d", len(res.InputEntries), len(res.Entries()))
	}
	if m, ok := res.OutputEntries[2].(*mistral.MessageOutputEntry); !ok || m.Content.Text != "Looking it up." {
		t.Fatalf("first message %#v", res.OutputEntries[2])
	}
	// The request declared both functions, strict, with the inferred schema.
	tools := startBody(t, s)["tools"].([]any)
	fn := tools[0].(map[string]any)["function"].(map[string]any)
	if len(tools) != 2 || fn["name"] != "get_location" || fn["strict"] != true || !strings.Contains(toJSON(fn["parameters"]), `"description":"the person's name"`) {
		t.Fatalf("tools %s", toJSON(tools))
	}
}

func TestRunParallelCallsOneAppend(t *testing.T) {
	var inFlight, peak atomic.Int32
	slow := run.MustFunc("slow", "", func(ctx context.Context, in struct {
		N int `json:"n"`
	}) (int, error) {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(50 * time.Millisecond)
		inFlight.Add(-1)
		return in.N * 2, nil
	})
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if len(t.Results()) > 0 {
			return mistraltest.Respond(mistraltest.Text("done")), nil
		}
		var calls []mistraltest.Output
		for i := range 10 {
			calls = append(calls, mistraltest.Call("slow", map[string]int{"n": i}))
		}
		return mistraltest.Respond(calls...), nil
	})
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(slow), run.WithParallelism(4))
	res, err := r.Run(context.Background(), mistral.TextInputs("go"))
	if err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p != 4 {
		t.Fatalf("peak concurrency %d, want 4", p)
	}
	apps := appendBodies(s)
	if len(apps) != 1 {
		t.Fatalf("%d appends, want 1", len(apps))
	}
	inputs := apps[0]["inputs"].([]any)
	if len(inputs) != 10 {
		t.Fatalf("%d results in the append", len(inputs))
	}
	// Results keep the calls' order.
	for i, in := range inputs {
		if got := in.(map[string]any)["result"]; got != itoa(i*2) {
			t.Fatalf("result %d = %v", i, got)
		}
	}
	if res.Text() != "done" {
		t.Fatal(res.Text())
	}
}

func TestRunMCPTools(t *testing.T) {
	s := mistraltest.NewServer(func(ctx context.Context, t *mistraltest.Turn) (*mistraltest.Reply, error) {
		if w, ok := t.ResultOf("get_weather"); ok {
			return mistraltest.Respond(mistraltest.Text(w)), nil
		}
		return mistraltest.Respond(mistraltest.Call("get_weather", map[string]string{"city": "Lyon"})), nil
	})
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithMCP(inMemoryWeather(), run.Deny("slow")))
	res, err := r.Run(context.Background(), mistral.TextInputs("weather in Lyon"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Text() != "18°C in Lyon" {
		t.Fatalf("%q", res.Text())
	}
	tools := startBody(t, s)["tools"].([]any)
	if len(tools) != 1 {
		t.Fatalf("deny ignored: %s", toJSON(tools))
	}
}

func TestDuplicateToolNeedsPrefix(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithFunctions(getWeather), run.WithMCP(inMemoryWeather()))
	if _, err := r.Run(context.Background(), mistral.TextInputs("x")); !errors.Is(err, run.ErrDuplicateTool) {
		t.Fatalf("err %v, want ErrDuplicateTool", err)
	}
	r2 := newRunner(t, s, run.WithModel("m"), run.WithFunctions(getWeather), run.WithMCP(inMemoryWeather(), run.Prefix("w_")))
	tools, err := r2.Tools(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range tools {
		names = append(names, tl.Function.Name)
	}
	if got := strings.Join(names, ","); got != "get_weather,w_get_weather,w_slow" {
		t.Fatal(got)
	}
}

func TestNewValidation(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	c := newClient(t, s)
	for name, opts := range map[string][]run.Option{
		"both":          {run.WithModel("m"), run.WithAgent("a")},
		"neither":       nil,
		"agent+tools":   {run.WithAgent("a"), run.WithTools(mistral.BuiltinTool("web_search"))},
		"dup functions": {run.WithModel("m"), run.WithFunctions(getWeather, getWeather)},
		"max turns 0":   {run.WithModel("m"), run.WithMaxTurns(0)},
		"parallelism 0": {run.WithModel("m"), run.WithParallelism(0)},
		"empty model":   {run.WithModel("")},
		"empty agent":   {run.WithAgent("")},
		"nil function":  {run.WithModel("m"), run.WithFunctions(nil)},
		"nil option":    {run.WithModel("m"), nil},
		"nil mcp":       {run.WithModel("m"), run.WithMCP(nil)},
		"timeout 0":     {run.WithModel("m"), run.WithFunctionTimeout(0)},
		"timeout < 0":   {run.WithModel("m"), run.WithFunctionTimeout(-time.Second)},
		"nil approval":  {run.WithModel("m"), run.WithApproval(nil)},
		"nil tracer":    {run.WithModel("m"), run.WithTracerProvider(nil)},
		"nil logger":    {run.WithModel("m"), run.WithLogger(nil)},
		"schema name":   {run.WithModel("m"), run.WithOutputSchema("", json.RawMessage(`{}`))},
		"schema json":   {run.WithModel("m"), run.WithOutputSchema("x", json.RawMessage(`{`))},
		"concurrent 0":  {run.WithModel("m"), run.WithMCP(inMemoryWeather(), run.MaxConcurrent(0))},
		"concurrent -1": {run.WithModel("m"), run.WithMCP(inMemoryWeather(), run.MaxConcurrent(-1))},
		"empty prefix":  {run.WithModel("m"), run.WithMCP(inMemoryWeather(), run.Prefix(""))},
		"allow none":    {run.WithModel("m"), run.WithMCP(inMemoryWeather(), run.Allow())},
		"allow empty":   {run.WithModel("m"), run.WithMCP(inMemoryWeather(), run.Allow("get_weather", ""))},
		"deny empty":    {run.WithModel("m"), run.WithMCP(inMemoryWeather(), run.Deny(""))},
		"nil mcpoption": {run.WithModel("m"), run.WithMCP(inMemoryWeather(), nil)},
	} {
		if r, err := run.New(c, opts...); err == nil || r != nil {
			t.Errorf("%s: runner %v, error %v", name, r, err)
		}
	}
}

// A conversation started by one Runner is continued by another, per call.
func TestInConversationOtherRunner(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"))
	first, err := r.Run(context.Background(), mistral.TextInputs("one"))
	if err != nil {
		t.Fatal(err)
	}
	r2 := newRunner(t, s, run.WithModel("m"))
	second, err := r2.Run(context.Background(), mistral.TextInputs("two"), run.InConversation(first.ConversationID))
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := s.Conversation(first.ConversationID)
	if second.ConversationID != first.ConversationID || len(entries) != 4 {
		t.Fatalf("conv %q vs %q, %d entries", second.ConversationID, first.ConversationID, len(entries))
	}
}

func TestRunnerClose(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"), run.WithMCP(inMemoryWeather()))
	if err := r.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(context.Background(), mistral.TextInputs("x")); !errors.Is(err, run.ErrClosed) {
		t.Fatalf("after close: %v", err)
	}
}

func TestInConversation(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"))
	first, err := r.Run(context.Background(), mistral.TextInputs("one"))
	if err != nil {
		t.Fatal(err)
	}
	var last *run.Result
	for ev, err := range r.Stream(context.Background(), mistral.TextInputs("two"), run.InConversation(first.ConversationID)) {
		if err != nil {
			t.Fatal(err)
		}
		if re, ok := ev.(*run.ResultEvent); ok {
			last = re.Result
		}
	}
	entries, _ := s.Conversation(first.ConversationID)
	if last.ConversationID != first.ConversationID || len(entries) != 4 || last.Text() != "two" {
		t.Fatalf("conv %q vs %q, %d entries, %q", last.ConversationID, first.ConversationID, len(entries), last.Text())
	}
}

// An invalid call option fails that call, before any request, and not the
// Runner: Run returns nil and the error, Stream one ResultEvent with it.
func TestInvalidCallOption(t *testing.T) {
	s := mistraltest.NewServer(mistraltest.Echo())
	defer s.Close()
	r := newRunner(t, s, run.WithModel("m"))
	for name, opt := range map[string]run.CallOption{"empty id": run.InConversation(""), "nil": nil} {
		res, err := r.Run(context.Background(), mistral.TextInputs("x"), opt)
		if err == nil || res != nil {
			t.Errorf("%s: Run gave %v, %v", name, res, err)
		}
		var events []mistral.Event
		var errs []error
		for ev, err := range r.Stream(context.Background(), mistral.TextInputs("x"), opt) {
			events, errs = append(events, ev), append(errs, err)
		}
		if len(events) != 1 || errs[0] == nil {
			t.Fatalf("%s: Stream gave %v %v", name, events, errs)
		}
		if re, ok := events[0].(*run.ResultEvent); !ok || re.Result != nil {
			t.Errorf("%s: Stream gave %#v", name, events[0])
		}
	}
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("%d requests", n)
	}
	if res, err := r.Run(context.Background(), mistral.TextInputs("x")); err != nil || res.Text() != "x" {
		t.Fatalf("after: %v %v", res, err)
	}
}
