// Package sdkcost measures, for docs/perf.md, what decoding one small
// message costs in the go-sdk (v1.8.0) against the same decoding without
// a streaming decoder per message.
//
//	go test -run '^$' -bench . -benchmem ./sdkcost
package sdkcost

import (
	"bytes"
	stdjson "encoding/json"
	"testing"

	segjson "github.com/segmentio/encoding/json"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// A tool call's answer as a server writes it, and its result.
var (
	line   = []byte(`{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"hello"}]}}`)
	result = []byte(`{"content":[{"type":"text","text":"hello"}]}`)
)

type wire struct {
	JSONRPC string             `json:"jsonrpc"`
	ID      any                `json:"id"`
	Method  *string            `json:"method"`
	Params  stdjson.RawMessage `json:"params"`
	Result  stdjson.RawMessage `json:"result"`
	Error   *jsonrpc.Error     `json:"error"`
}

// The message: the go-sdk's public jsonrpc.DecodeMessage (what its
// transports call for every message) ...
func BenchmarkMessage_GoSDKDecodeMessage(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jsonrpc.DecodeMessage(line); err != nil {
			b.Fatal(err)
		}
	}
}

// ... the same with segmentio's Unmarshal, the library the go-sdk already
// uses, without a Decoder ...
func BenchmarkMessage_SegmentioUnmarshal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var w wire
		if err := segjson.Unmarshal(line, &w); err != nil {
			b.Fatal(err)
		}
	}
}

// ... and with encoding/json (what mcprun's stdio transport does).
func BenchmarkMessage_EncodingJSON(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var w wire
		if err := stdjson.Unmarshal(line, &w); err != nil {
			b.Fatal(err)
		}
	}
}

// The result: a CallToolResult decodes itself through the go-sdk's internal
// Unmarshal (a streaming decoder per call) ...
func BenchmarkResult_GoSDKCallToolResult(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var r mcp.CallToolResult
		if err := stdjson.Unmarshal(result, &r); err != nil {
			b.Fatal(err)
		}
	}
}

// ... one such decoder on a 46-byte input, alone ...
func BenchmarkResult_SegmentioDecoderPerMessage(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var v map[string]stdjson.RawMessage
		if err := segjson.NewDecoder(bytes.NewReader(result)).Decode(&v); err != nil {
			b.Fatal(err)
		}
	}
}

// ... against segmentio's Unmarshal of the same.
func BenchmarkResult_SegmentioUnmarshal(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var v map[string]stdjson.RawMessage
		if err := segjson.Unmarshal(result, &v); err != nil {
			b.Fatal(err)
		}
	}
}
