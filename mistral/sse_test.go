package mistral

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// A stream as the API sends it, one event of each type and one unknown.
const sampleStream = "event: conversation.response.started\r\ndata: {\"type\":\"conversation.response.started\",\"conversation_id\":\"conv_1\"}\r\n\r\n" +
	": keep-alive comment\n\n" +
	"event: message.output.delta\ndata: {\"type\":\"message.output.delta\",\"output_index\":0,\"id\":\"m1\",\"content_index\":0,\"role\":\"assistant\",\"content\":\"Hel\"}\n\n" +
	"event: message.output.delta\ndata: {\"type\":\"message.output.delta\",\"output_index\":0,\"id\":\"m1\",\"content_index\":1,\"role\":\"assistant\",\"content\":{\"type\":\"tool_reference\",\"tool\":\"web_search\",\"title\":\"T\"}}\n\n" +
	"event: function.call.delta\ndata: {\"type\":\"function.call.delta\",\"output_index\":1,\"id\":\"f1\",\"name\":\"get\",\"tool_call_id\":\"c1\",\"arguments\":\"{\\\"a\\\"\"}\n\n" +
	"event: function.call.delta\ndata: {\"type\":\"function.call.delta\",\"output_index\":1,\"id\":\"f1\",\"name\":\"\",\"tool_call_id\":\"\",\"arguments\":\":1}\"}\n\n" +
	"event: tool.execution.started\ndata: {\"type\":\"tool.execution.started\",\"output_index\":2,\"id\":\"t1\",\"name\":\"web_search\",\"arguments\":\"\"}\n\n" +
	"event: tool.execution.delta\ndata: {\"type\":\"tool.execution.delta\",\"output_index\":2,\"id\":\"t1\",\"name\":\"web_search\",\"arguments\":\"{}\"}\n\n" +
	"event: tool.execution.done\ndata: {\"type\":\"tool.execution.done\",\"output_index\":2,\"id\":\"t1\",\"name\":\"web_search\",\"info\":{\"k\":1}}\n\n" +
	"event: agent.handoff.started\ndata: {\"type\":\"agent.handoff.started\",\"output_index\":3,\"id\":\"h1\",\"previous_agent_id\":\"a\",\"previous_agent_name\":\"A\"}\n\n" +
	"event: agent.handoff.done\ndata: {\"type\":\"agent.handoff.done\",\"output_index\":3,\"id\":\"h1\",\"next_agent_id\":\"b\",\"next_agent_name\":\"B\"}\n\n" +
	"event: brand.new.event\ndata: {\"type\":\"brand.new.event\",\n" +
	"data: \"x\":1}\n\n" +
	"event: conversation.response.done\ndata: {\"type\":\"conversation.response.done\",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}\n\n"

func parseAll(r io.Reader) ([]Event, error) {
	sr := newSSEReader(r, 1<<20)
	var out []Event
	for {
		ev, err := sr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		e, err := UnmarshalEvent(ev.Event, ev.Data)
		if err != nil {
			return out, err
		}
		out = append(out, e)
	}
}

func TestSSEParsesEveryEventType(t *testing.T) {
	evs, err := parseAll(strings.NewReader(sampleStream))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, e := range evs {
		types = append(types, e.EventType())
	}
	want := []string{EventResponseStarted, EventMessageOutputDelta, EventMessageOutputDelta, EventFunctionCallDelta, EventFunctionCallDelta,
		EventToolExecutionStarted, EventToolExecutionDelta, EventToolExecutionDone, EventAgentHandoffStarted, EventAgentHandoffDone,
		"brand.new.event", EventResponseDone}
	if !reflect.DeepEqual(types, want) {
		t.Fatalf("types %v\nwant %v", types, want)
	}
	if u := evs[11].(*ResponseDoneEvent).Usage; u.TotalTokens != 3 {
		t.Errorf("usage %+v", u)
	}
	if c := evs[2].(*MessageOutputDeltaEvent).Content; len(c.Chunks) != 1 || c.Chunks[0].(*ToolReferenceChunk).Title != "T" {
		t.Errorf("chunk delta %+v", c)
	}
	if raw := string(evs[10].(*UnknownEvent).Raw()); raw != "{\"type\":\"brand.new.event\",\n\"x\":1}" {
		t.Errorf("multi-line data joined as %q", raw)
	}
}

// Splitting the stream at any byte boundary, or reading it a byte at a time,
// must not change what is parsed.
func TestSSESplitAtEveryByte(t *testing.T) {
	want, err := parseAll(strings.NewReader(sampleStream))
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseAll(iotest.OneByteReader(strings.NewReader(sampleStream)))
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("one byte at a time: %v", err)
	}
	for i := 1; i < len(sampleStream); i++ {
		r := io.MultiReader(iotest.HalfReader(strings.NewReader(sampleStream[:i])), strings.NewReader(sampleStream[i:]))
		got, err := parseAll(r)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("split at %d: %v", i, err)
		}
	}
}

func TestSSEMalformed(t *testing.T) {
	_, err := parseAll(strings.NewReader("event: message.output.delta\ndata: {not json\n\n"))
	if err == nil || !strings.Contains(err.Error(), "message.output.delta") {
		t.Errorf("malformed data: %v", err)
	}
	_, err = parseAll(strings.NewReader("event: x\ndata: {oops\n\n"))
	if err == nil {
		t.Error("malformed unknown event: no error")
	}
	sr := newSSEReader(strings.NewReader("data: "+strings.Repeat("x", 100)+"\n\n"), 50)
	if _, err := sr.Next(); !errors.Is(err, ErrEventTooLarge) {
		t.Errorf("oversized event: %v", err)
	}
}

func TestSSETrailingEventWithoutBlankLine(t *testing.T) {
	sr := newSSEReader(strings.NewReader("data: {\"a\":1}"), 1<<10)
	ev, err := sr.Next()
	if err != nil || string(ev.Data) != `{"a":1}` {
		t.Fatalf("%v %+v", err, ev)
	}
}

func FuzzSSE(f *testing.F) {
	f.Add(sampleStream)
	f.Add("data: x\r\n\r\ndata:y\rdata\n\n:c\n")
	f.Add("event: message.output.delta\ndata: {\"content\":[{\"type\":\"text\"}]}\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		a, errA := parseAll(strings.NewReader(s))
		b, errB := parseAll(iotest.OneByteReader(strings.NewReader(s)))
		if (errA == nil) != (errB == nil) || !reflect.DeepEqual(a, b) {
			t.Fatalf("chunking changed the parse: %v / %v", errA, errB)
		}
	})
}

func FuzzUnmarshalEntry(f *testing.F) {
	for _, s := range entrySamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := UnmarshalEntry([]byte(s))
		if err != nil {
			return
		}
		out, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("decoded %T does not encode: %v", e, err)
		}
		e2, err := UnmarshalEntry(out)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		out2, _ := json.Marshal(e2)
		if string(out) != string(out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
	})
}

func FuzzUnmarshalEvent(f *testing.F) {
	f.Add("message.output.delta", `{"type":"message.output.delta","output_index":0,"id":"m","content_index":0,"role":"assistant","content":"hi"}`)
	f.Add("function.call.delta", `{"type":"function.call.delta","output_index":1,"id":"f","name":"x","tool_call_id":"c","arguments":"{\""}`)
	f.Add("message.output.delta", `{"content":[{"type":"tool_file","file_id":"a"}]}`)
	f.Add("conversation.response.error", `{"message":"boom","code":3000}`)
	f.Add("something.new", `{"x":1}`)
	f.Fuzz(func(t *testing.T, typ, data string) {
		ev, err := UnmarshalEvent(typ, []byte(data))
		if err != nil {
			return
		}
		if ev == nil {
			t.Fatal("nil event without an error")
		}
		out, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("decoded %T does not encode: %v", ev, err)
		}
		// Written once, an event reads back as itself: its "type" is the
		// one its Go type writes.
		name := "" // a known event carries its type in its data
		if u, ok := ev.(*UnknownEvent); ok {
			name = u.EventType() // an unknown one may have had it only in the SSE event field
		}
		back, err := UnmarshalEvent(name, out)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		if back.EventType() != ev.EventType() {
			t.Fatalf("%s read back as %s", ev.EventType(), back.EventType())
		}
		if out2, _ := json.Marshal(back); string(out2) != string(out) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
	})
}

// readAllSSE returns the raw events of a stream, fields and all.
func readAllSSE(t *testing.T, r io.Reader) []sseEvent {
	t.Helper()
	sr := newSSEReader(r, 1<<20)
	var out []sseEvent
	for {
		ev, err := sr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sseEvent{Event: ev.Event, Data: append([]byte(nil), ev.Data...), ID: ev.ID})
	}
}

// The event-stream grammar ends a line with CRLF, LF or CR alone. Each
// gives the same events (type, multi-line data, id) as LF, also when a CRLF
// is split between two reads.
func TestSSELineEndings(t *testing.T) {
	lf := "event: a\nid: 1\ndata: x\ndata: y\n\n: comment\n\nevent: b\ndata: {\"k\":2}\n\ndata: z\n"
	want := readAllSSE(t, strings.NewReader(lf))
	if len(want) != 3 || want[0].Event != "a" || want[0].ID != "1" || string(want[0].Data) != "x\ny" || want[1].Event != "b" || string(want[2].Data) != "z" {
		t.Fatalf("LF stream parsed as %+v", want)
	}
	for name, s := range map[string]string{
		"CRLF": strings.ReplaceAll(lf, "\n", "\r\n"),
		"CR":   strings.ReplaceAll(lf, "\n", "\r"),
	} {
		if got := readAllSSE(t, strings.NewReader(s)); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %+v\nwant %+v", name, got, want)
		}
		if got := readAllSSE(t, iotest.OneByteReader(strings.NewReader(s))); !reflect.DeepEqual(got, want) {
			t.Errorf("%s one byte at a time: %+v\nwant %+v", name, got, want)
		}
	}
}

// An event's "type" is its Go type's, written once and first; an event of
// an unknown type is written back as it came.
func TestEventEncodesItsType(t *testing.T) {
	evs, err := parseAll(strings.NewReader(sampleStream))
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatalf("%T: %v", ev, err)
		}
		if _, ok := ev.(*UnknownEvent); ok {
			var raw bytes.Buffer // json.Marshal compacts what MarshalJSON returns
			if json.Compact(&raw, ev.(*UnknownEvent).Raw()) != nil || string(b) != raw.String() {
				t.Errorf("unknown event written as %s", b)
			}
			continue
		}
		keys := topLevelKeys(t, b)
		if keys[0] != "type" || slices.Contains(keys[1:], "type") {
			t.Errorf("%T written with members %v", ev, keys)
		}
		back, err := UnmarshalEvent("", b)
		if err != nil || !reflect.DeepEqual(back, ev) {
			t.Errorf("%T does not round-trip: %s, %v", ev, b, err)
		}
	}
}
