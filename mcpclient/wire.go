package mcpclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// This file reads and writes JSON-RPC messages for the stdio transport, in
// one pass each way, into and from the go-sdk's public jsonrpc types. (The
// go-sdk's own jsonrpc.DecodeMessage builds a streaming decoder with a
// fresh buffer for every message; see docs/perf.md.)

// wireMessage is a JSON-RPC message as it is on the wire. Method is a
// pointer to tell a request with an empty method from a response.
type wireMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      any             `json:"id"`
	Method  *string         `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   *jsonrpc.Error  `json:"error"`
}

// decoder decodes messages, reusing its scratch space. It is not safe for
// concurrent use.
type decoder struct {
	w wireMessage
}

// decode decodes one line: a message, or a batch (an array of them).
func (d *decoder) decode(line []byte) ([]jsonrpc.Message, error) {
	if first := firstNonSpace(line); first == '[' {
		var raws []json.RawMessage
		if err := json.Unmarshal(line, &raws); err != nil {
			return nil, err
		}
		if len(raws) == 0 {
			return nil, errors.New("empty batch")
		}
		msgs := make([]jsonrpc.Message, 0, len(raws))
		for _, raw := range raws {
			m, err := d.decodeOne(raw)
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, m)
		}
		return msgs, nil
	}
	m, err := d.decodeOne(line)
	if err != nil {
		return nil, err
	}
	return []jsonrpc.Message{m}, nil
}

func (d *decoder) decodeOne(data []byte) (jsonrpc.Message, error) {
	d.w = wireMessage{}
	w := &d.w
	if err := json.Unmarshal(data, w); err != nil {
		return nil, err
	}
	if w.JSONRPC != "2.0" {
		return nil, fmt.Errorf("jsonrpc is %q, not \"2.0\"", w.JSONRPC)
	}
	id, err := jsonrpc.MakeID(w.ID)
	if err != nil {
		return nil, err
	}
	if w.Method != nil {
		return &jsonrpc.Request{ID: id, Method: *w.Method, Params: w.Params}, nil
	}
	if !id.IsValid() {
		return nil, errors.New("a response without an id")
	}
	resp := &jsonrpc.Response{ID: id, Result: w.Result}
	if w.Error != nil {
		resp.Error = w.Error // never a typed nil
	}
	return resp, nil
}

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return c
		}
	}
	return 0
}

// appendMessage appends msg's wire form (one line, without the newline)
// to buf.
func appendMessage(buf []byte, msg jsonrpc.Message) ([]byte, error) {
	buf = append(buf, `{"jsonrpc":"2.0"`...)
	switch m := msg.(type) {
	case *jsonrpc.Request:
		if m.ID.IsValid() {
			buf = appendID(append(buf, `,"id":`...), m.ID)
		}
		buf = appendString(append(buf, `,"method":`...), m.Method)
		if len(m.Params) > 0 {
			var err error
			if buf, err = appendRaw(append(buf, `,"params":`...), m.Params); err != nil {
				return buf, err
			}
		}
	case *jsonrpc.Response:
		if m.ID.IsValid() {
			buf = appendID(append(buf, `,"id":`...), m.ID)
		}
		if m.Error != nil {
			js, err := json.Marshal(wireError(m.Error))
			if err != nil {
				return buf, err
			}
			buf = append(append(buf, `,"error":`...), js...)
		} else if len(m.Result) > 0 {
			var err error
			if buf, err = appendRaw(append(buf, `,"result":`...), m.Result); err != nil {
				return buf, err
			}
		}
	default:
		return buf, fmt.Errorf("cannot write a %T", msg)
	}
	return append(buf, '}'), nil
}

// wireError is the JSON-RPC error object for err: err itself if it is one,
// else its text with the code of a JSON-RPC error it wraps (as the go-sdk
// writes it).
func wireError(err error) *jsonrpc.Error {
	if we, ok := err.(*jsonrpc.Error); ok {
		return we
	}
	out := &jsonrpc.Error{Message: err.Error()}
	var wrapped *jsonrpc.Error
	if errors.As(err, &wrapped) {
		out.Code = wrapped.Code
	}
	return out
}

func appendID(buf []byte, id jsonrpc.ID) []byte {
	switch v := id.Raw().(type) {
	case int64:
		return strconv.AppendInt(buf, v, 10)
	case string:
		return appendString(buf, v)
	}
	return append(buf, "null"...)
}

// appendString appends s as a JSON string: as is when nothing in it needs
// escaping (method names, ids), else through encoding/json.
func appendString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' {
			js, _ := json.Marshal(s) // a string always marshals
			return append(buf, js...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}

// appendRaw appends a JSON value. The go-sdk hands over compact JSON; a
// value with a line break in it (which would end the line early) is
// compacted first.
func appendRaw(buf []byte, raw json.RawMessage) ([]byte, error) {
	if bytes.IndexByte(raw, '\n') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return append(buf, raw...), nil
	}
	b := bytes.NewBuffer(buf)
	if err := json.Compact(b, raw); err != nil {
		return buf, err
	}
	return b.Bytes(), nil
}
