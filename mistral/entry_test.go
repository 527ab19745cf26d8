package mistral

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// Entries as the API writes them, one of each type, with an unknown member.
var entrySamples = []string{
	`{"object":"entry","type":"message.input","id":"msg_1","created_at":"2025-05-27T13:20:34.519437Z","role":"user","content":"hello"}`,
	`{"object":"entry","type":"message.input","role":"user","content":[{"type":"text","text":"a"},{"type":"document_url","document_url":"https://x/y.pdf"}]}`,
	`{"object":"entry","type":"message.output","id":"msg_2","created_at":"2025-05-27T13:20:34.519437Z","completed_at":"2025-05-27T13:20:35Z","model":"mistral-medium-latest","role":"assistant","content":"hi","future_field":{"a":1}}`,
	`{"object":"entry","type":"message.output","agent_id":"ag_1","role":"assistant","content":[{"type":"text","text":"see "},{"type":"tool_file","tool":"image_generation","file_id":"f1","file_name":"cat.png","file_type":"png"},{"type":"tool_reference","tool":"web_search","title":"Go","url":"https://go.dev"},{"type":"thinking","thinking":[{"type":"text","text":"hm"}]},{"type":"brand_new","x":1}]}`,
	`{"object":"entry","type":"function.call","id":"fc_1","tool_call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}","confirmation_status":"pending"}`,
	`{"object":"entry","type":"function.result","id":"fr_1","tool_call_id":"call_1","result":"20C"}`,
	`{"object":"entry","type":"tool.execution","id":"te_1","name":"web_search","arguments":"{\"q\":\"go\"}","info":{"n":2}}`,
	`{"object":"entry","type":"agent.handoff","id":"ah_1","previous_agent_id":"a","previous_agent_name":"A","next_agent_id":"b","next_agent_name":"B"}`,
	`{"object":"entry","type":"some.future.entry","id":"x_1","payload":[1,2,3]}`,
}

func canonical(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("invalid JSON %s: %v", b, err)
	}
	return v
}

func TestEntryRoundTrip(t *testing.T) {
	for _, s := range entrySamples {
		e, err := UnmarshalEntry([]byte(s))
		if err != nil {
			t.Fatalf("UnmarshalEntry(%s): %v", s, err)
		}
		out, err := json.Marshal(e)
		if err != nil {
			t.Fatalf("Marshal %T: %v", e, err)
		}
		want := canonical(t, []byte(s))
		got := canonical(t, out)
		// Timestamps may be written with another number of fraction digits.
		normTimes(want)
		normTimes(got)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("round trip of %T\n got %s\nwant %s", e, out, s)
		}
		e2, err := UnmarshalEntry(out)
		if err != nil || !reflect.DeepEqual(e, e2) {
			t.Errorf("second decode of %s differs: %v", out, err)
		}
	}
}

func normTimes(v any) {
	if m, ok := v.(map[string]any); ok {
		for _, k := range []string{"created_at", "completed_at"} {
			if s, ok := m[k].(string); ok {
				m[k] = strings.TrimSuffix(strings.TrimRight(strings.TrimSuffix(s, "Z"), "0"), ".")
			}
		}
	}
}

func TestEntryTypes(t *testing.T) {
	var es Entries
	if err := json.Unmarshal([]byte("["+strings.Join(entrySamples, ",")+"]"), &es); err != nil {
		t.Fatal(err)
	}
	want := []string{"*mistral.MessageInputEntry", "*mistral.MessageInputEntry", "*mistral.MessageOutputEntry", "*mistral.MessageOutputEntry",
		"*mistral.FunctionCallEntry", "*mistral.FunctionResultEntry", "*mistral.ToolExecutionEntry", "*mistral.AgentHandoffEntry", "*mistral.UnknownEntry"}
	for i, e := range es {
		if got := reflect.TypeOf(e).String(); got != want[i] {
			t.Errorf("entry %d: %s, want %s", i, got, want[i])
		}
	}
	fc := es[4].(*FunctionCallEntry)
	if fc.Arguments != `{"city":"Paris"}` || fc.ToolCallID != "call_1" || fc.Name != "get_weather" {
		t.Errorf("function call decoded as %+v", fc)
	}
	mo := es[2].(*MessageOutputEntry)
	if string(mo.Extra["future_field"]) != `{"a":1}` {
		t.Errorf("unknown member not kept: %v", mo.Extra)
	}
	chunks := es[3].(*MessageOutputEntry).Content.Chunks
	if len(chunks) != 5 || chunks[1].(*ToolFileChunk).FileID != "f1" || chunks[4].ChunkType() != "brand_new" {
		t.Errorf("chunks decoded as %#v", chunks)
	}
}

func TestFunctionCallArgumentsAsObject(t *testing.T) {
	e, err := UnmarshalEntry([]byte(`{"type":"function.call","tool_call_id":"c","name":"f","arguments":{"a":1}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := e.(*FunctionCallEntry).Arguments; got != `{"a":1}` {
		t.Errorf("arguments %q", got)
	}
	if x := e.(*FunctionCallEntry).Extra; x != nil {
		t.Errorf("arguments counted as unknown: %v", x)
	}
}

func TestUnmarshalEntryErrors(t *testing.T) {
	for _, s := range []string{``, `[`, `{"type":"function.call","name":3}`, `{"type":"message.output","content":7}`} {
		if _, err := UnmarshalEntry([]byte(s)); err == nil {
			t.Errorf("UnmarshalEntry(%q): no error", s)
		}
	}
}

func TestInputsMarshal(t *testing.T) {
	b, _ := json.Marshal(TextInputs("hi"))
	if string(b) != `"hi"` {
		t.Errorf("text inputs: %s", b)
	}
	b, _ = json.Marshal(EntryInputs(NewFunctionResult("c1", "ok")))
	if string(b) != `[{"object":"entry","type":"function.result","tool_call_id":"c1","result":"ok"}]` {
		t.Errorf("entry inputs: %s", b)
	}
	var in Inputs
	if err := json.Unmarshal(b, &in); err != nil || len(in.Entries) != 1 {
		t.Errorf("decode inputs: %v %+v", err, in)
	}
}

func TestRequestWireNames(t *testing.T) {
	req := ConversationRequest{
		Inputs: TextInputs("x"), Model: "m", Instructions: "be brief",
		Tools:          []Tool{NewFunctionTool("f", "d", json.RawMessage(`{"type":"object"}`), true), BuiltinTool("web_search")},
		CompletionArgs: &CompletionArgs{ResponseFormat: JSONSchemaFormat("out", json.RawMessage(`{"type":"object"}`), true)},
	}
	b, _ := json.Marshal(conversationWire{&req, false})
	want := `{"inputs":"x","instructions":"be brief","tools":[{"type":"function","function":{"name":"f","description":"d","strict":true,"parameters":{"type":"object"}}},{"type":"web_search"}],"completion_args":{"response_format":{"type":"json_schema","json_schema":{"name":"out","schema":{"type":"object"},"strict":true}}},"model":"m","stream":false}`
	if string(b) != want {
		t.Errorf("request\n got %s\nwant %s", b, want)
	}
	var back ConversationRequest
	if err := json.Unmarshal(b, &back); err != nil || back.Tools[1].Type != "web_search" || back.Tools[0].Function.Name != "f" {
		t.Errorf("decode request: %v %+v", err, back)
	}
}

func TestUpdateAgentSendsOnlySet(t *testing.T) {
	empty := []Tool{}
	b, _ := json.Marshal(UpdateAgentRequest{Tools: &empty})
	if string(b) != `{"tools":[]}` {
		t.Errorf("update: %s", b)
	}
}

// encoding/json matches member names case-insensitively; the wire format
// does not. A "Type" or "tYpe" member is an unknown member, kept as is,
// never taken for "type".
func TestMemberNamesAreExact(t *testing.T) {
	in := `{"type":"function.call","tool_call_id":"c1","name":"f","arguments":"{}","Name":"other","tYpe":"message.input"}`
	e, err := UnmarshalEntry([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	fc, ok := e.(*FunctionCallEntry)
	if !ok || fc.Name != "f" || string(fc.Extra["Name"]) != `"other"` || string(fc.Extra["tYpe"]) != `"message.input"` {
		t.Fatalf("%T %+v", e, e)
	}
	ch, err := UnmarshalChunk([]byte(`{"Type":"tool_file","text":"hi"}`))
	if err != nil {
		t.Fatal(err)
	}
	if tc, ok := ch.(*TextChunk); !ok || tc.Text != "hi" {
		t.Fatalf("%T %+v", ch, ch)
	}
}

// A tool whose members contradict each other is an encoding error, never a
// silent choice between them.
func TestToolContradictionsAreErrors(t *testing.T) {
	fn := &FunctionTool{Name: "f", Parameters: json.RawMessage(`{}`)}
	for name, tool := range map[string]Tool{
		"Function and Raw":      {Function: fn, Raw: json.RawMessage(`{"type":"web_search"}`)},
		"Type other than Raw's": {Type: "code_interpreter", Raw: json.RawMessage(`{"type":"web_search"}`)},
		"Function of Type":      {Type: "web_search", Function: fn},
		"nothing":               {},
	} {
		if b, err := json.Marshal(tool); err == nil {
			t.Errorf("%s: encoded as %s", name, b)
		}
	}
	for _, tool := range []Tool{BuiltinTool("web_search"), {Type: "web_search"}, {Function: fn}, NewFunctionTool("f", "", nil, false)} {
		if _, err := json.Marshal(tool); err != nil {
			t.Errorf("%+v: %v", tool, err)
		}
	}
}

// Conversation.Raw is the object as the API sent it.
func TestConversationRaw(t *testing.T) {
	in := `{"object":"conversation","id":"c1","model":"m","future":1}`
	var c Conversation
	if err := json.Unmarshal([]byte(in), &c); err != nil || c.ID != "c1" || string(c.Raw) != in {
		t.Fatalf("%v %+v", err, c)
	}
}

// topLevelKeys lists an object's member names in order, duplicates kept.
func topLevelKeys(t *testing.T, b []byte) []string {
	t.Helper()
	var m []string
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", b)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		m = append(m, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// The "object" and "type" members come from the Go type: decoding does not
// keep them as unknown members, and encoding writes each once, from the Go
// type, even over a stale copy in Extra.
func TestDiscriminantWrittenOnce(t *testing.T) {
	for _, s := range entrySamples[:len(entrySamples)-1] {
		e, err := UnmarshalEntry([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		extra := reflect.ValueOf(e).Elem().FieldByName("Extra").Interface().(map[string]json.RawMessage)
		if _, ok := extra["type"]; ok {
			t.Errorf("%T keeps type as an unknown member", e)
		}
		if _, ok := extra["object"]; ok {
			t.Errorf("%T keeps object as an unknown member", e)
		}
		out, _ := json.Marshal(e)
		keys := topLevelKeys(t, out)
		if len(keys) < 2 || keys[0] != "object" || keys[1] != "type" || len(slices.Compact(slices.Sorted(slices.Values(keys)))) != len(keys) {
			t.Errorf("%T written with members %v", e, keys)
		}
	}
	ch, err := UnmarshalChunk([]byte(`{"type":"tool_file","tool":"t","file_id":"f"}`))
	if err != nil || ch.(*ToolFileChunk).Extra != nil {
		t.Fatalf("chunk keeps type as an unknown member: %v %+v", err, ch)
	}
	stale := map[string]json.RawMessage{"type": json.RawMessage(`"message.input"`), "object": json.RawMessage(`"x"`), "keep": json.RawMessage(`1`)}
	for v, want := range map[any]string{
		&TextChunk{Text: "a", Extra: stale}:                 `{"type":"text","text":"a","keep":1,"object":"x"}`, // "object" is no chunk member: kept,
		&FunctionResultEntry{ToolCallID: "c", Extra: stale}: `{"object":"entry","type":"function.result","tool_call_id":"c","result":"","keep":1}`,
	} {
		if b, err := json.Marshal(v); err != nil || string(b) != want {
			t.Errorf("%T: %s, %v\nwant %s", v, b, err, want)
		}
	}
}

// Text and a list at once would lose one of them: an encoding error.
func TestTextAndListAtOnceIsAnError(t *testing.T) {
	if b, err := json.Marshal(Inputs{Text: "a", Entries: []Entry{NewUserMessage("b")}}); err == nil {
		t.Errorf("inputs encoded as %s", b)
	}
	if b, err := json.Marshal(&MessageOutputEntry{Content: Content{Text: "a", Chunks: []Chunk{&TextChunk{Text: "b"}}}}); err == nil {
		t.Errorf("content encoded as %s", b)
	}
	if b, err := json.Marshal(Inputs{Entries: []Entry{}}); err != nil || string(b) != "[]" {
		t.Errorf("empty entries: %s %v", b, err)
	}
}
