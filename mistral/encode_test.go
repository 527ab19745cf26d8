package mistral

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// The hand-written request encoding must be json.Marshal's, byte for byte,
// or give way to it (and then json.Marshal fails too, or writes the same).
func checkEncoding(t *testing.T, body jsonAppender) {
	t.Helper()
	got, ok := body.appendJSON(nil)
	want, err := json.Marshal(body)
	if !ok {
		return // do falls back to json.Marshal: nothing to compare
	}
	if err != nil {
		t.Fatalf("appendJSON wrote %s where json.Marshal fails: %v", got, err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("appendJSON:\n got %s\nwant %s", got, want)
	}
}

// encodingCase builds both requests from fuzzed parts.
func encodingCase(text, result, desc string, params []byte, raw []byte, extra []byte, flags uint8) []jsonAppender {
	strict := flags&1 != 0
	tools := []Tool{{Type: "function", Function: &FunctionTool{Name: "get_weather", Description: desc, Parameters: params}}}
	if flags&2 != 0 {
		tools[0].Function.Strict = &strict
	}
	if flags&4 != 0 {
		tools = append(tools, Tool{Type: "web_search", Raw: raw})
	}
	if flags&128 != 0 {
		tools = append(tools, Tool{Function: &FunctionTool{Name: desc}})
	}
	start := &ConversationRequest{Inputs: TextInputs(text), Tools: tools, Model: "mistral-medium", Instructions: desc}
	if flags&8 != 0 {
		temp := 0.5
		start.CompletionArgs = &CompletionArgs{Temperature: &temp, Stop: Stop{text}}
		start.Metadata = map[string]any{"k": text}
		start.AgentVersion = raw
		start.Store = &strict
		start.Name, start.Description, start.HandoffExecution = text, desc, "server"
	}
	fr := &FunctionResultEntry{ToolCallID: "call_1", Result: result}
	if flags&16 != 0 {
		fr.ID = desc
		fr.CreatedAt = time.Date(2026, 11, 26, 14, 0, 0, 5, time.UTC)
		fr.Extra = map[string]json.RawMessage{"extra": extra, "type": json.RawMessage(`"x"`)}
	}
	if flags&24 == 8 { // times, without extras: the hand-written result
		done := time.Date(int(flags)*100-10000, 1, 2, 3, 4, 5, 6, time.FixedZone("x", 3600))
		fr.ID, fr.CreatedAt, fr.CompletedAt = text, time.Unix(int64(len(result)), 7), &done
	}
	msg := &MessageInputEntry{Role: "user", Content: TextContent(text)}
	entries := []Entry{fr, msg}
	if flags&32 != 0 {
		var nilResult *FunctionResultEntry
		entries = append(entries, nil, nilResult, &FunctionCallEntry{ToolCallID: "c", Name: "n", Arguments: result})
	}
	app := &AppendRequest{Inputs: EntryInputs(entries...)}
	if flags&64 != 0 {
		app = &AppendRequest{ToolConfirmations: []ToolCallConfirmation{{ToolCallID: text, Confirmation: "allow"}}, Store: &strict}
		start.Inputs.Entries = entries // both set: an error
	}
	return []jsonAppender{conversationWire{start, flags&1 != 0}, appendWire{app, flags&2 != 0}}
}

var encodingSeeds = []struct {
	text, result, desc string
	params, raw, extra []byte
	flags              uint8
}{
	{"weather", "21°C in Paris", "w", []byte(`{"type":"object","properties":{"city":{"type":"string"}}}`), []byte(`{"type":"web_search"}`), []byte(`1`), 0},
	{"a<b>&c \"q\" \\ \n\t\r\b\f \x01 \x7f", "\u2028\u2029 é \xff\xfe", "<script>", []byte(" { \"a\" : \"<&>\u2028\" , \"b\":[1, 2] } "), []byte(` {"type": "web_search", "x": "<"} `), []byte(` { "y" : "&" } `), 255 &^ 64},
	{"a<b>&c", "\u2028", "<", []byte(` {"a":1} `), []byte(`{"type":"web_search"}`), []byte(` "&" `), 255},
	{"", "", "", nil, nil, nil, 0},
	{"x", "y", "z", []byte(`{bad`), []byte(`{"type":"other"}`), []byte(`nope`), 7},
	{"x", "y", "z", []byte(`{}`), []byte(`[]`), []byte(`{}`), 64 | 16 | 8},
}

func TestRequestEncoding(t *testing.T) {
	// The usual requests and the hard strings are written by hand, not
	// handed back to encoding/json.
	for _, s := range encodingSeeds[:2] {
		for _, body := range encodingCase(s.text, s.result, s.desc, s.params, s.raw, s.extra, s.flags) {
			if _, ok := body.appendJSON(nil); !ok {
				t.Fatalf("%+v: not written by hand", body)
			}
		}
	}
	for _, s := range encodingSeeds {
		for _, body := range encodingCase(s.text, s.result, s.desc, s.params, s.raw, s.extra, s.flags) {
			checkEncoding(t, body)
		}
	}
}

func FuzzRequestEncoding(f *testing.F) {
	for _, s := range encodingSeeds {
		f.Add(s.text, s.result, s.desc, s.params, s.raw, s.extra, s.flags)
	}
	f.Fuzz(func(t *testing.T, text, result, desc string, params, raw, extra []byte, flags uint8) {
		for _, body := range encodingCase(text, result, desc, params, raw, extra, flags) {
			checkEncoding(t, body)
		}
	})
}

// The two requests of a turn with one call, as Client.do encodes them.
func BenchmarkEncodeTurnRequests(b *testing.B) {
	bodies := encodingCase("weather", "21°C in Paris", "w", []byte(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}`), nil, nil, 3)
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, body := range bodies {
				if _, ok := body.appendJSON(make([]byte, 0, 512)); !ok {
					b.Fatal("not encoded")
				}
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, body := range bodies {
				if _, err := json.Marshal(body); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
