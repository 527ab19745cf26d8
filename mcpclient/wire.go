package mcpclient

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"

	"github.com/mcprun/mcprun/internal/jsonscan"
	"github.com/mcprun/mcprun/internal/jsonwrite"
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
	if m, ok := decodeUsual(data); ok {
		return m, nil
	}
	return d.decodeGeneral(data)
}

// decodeGeneral decodes any message with encoding/json.
func (d *decoder) decodeGeneral(data []byte) (jsonrpc.Message, error) {
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

// decodeUsual decodes, without encoding/json, the messages a server sends
// most: a result, a request or a notification whose id is an integer or a
// plain string, with exactly the standard members. Anything else (ok
// false) takes decodeOne's general path.
func decodeUsual(data []byte) (m jsonrpc.Message, ok bool) {
	var version, id, method, params, result []byte
	if !jsonscan.Members(data, func(name, value []byte) bool {
		switch string(name) {
		case "jsonrpc":
			version = value
		case "id":
			id = value
		case "method":
			method = value
		case "params":
			params = value
		case "result":
			result = value
		default:
			return false // "error", or a member encoding/json might match
		}
		return true
	}) || string(version) != `"2.0"` {
		return nil, false
	}
	var mid jsonrpc.ID
	switch {
	case id == nil || string(id) == "null":
	case id[0] == '"':
		s, ok := jsonscan.PlainString(id)
		if !ok {
			return nil, false
		}
		mid, _ = jsonrpc.MakeID(s)
	default:
		n, ok := parseInt(id)
		if !ok {
			return nil, false
		}
		mid, _ = jsonrpc.MakeID(float64(n))
	}
	// The scan does not validate: the line must be JSON, as encoding/json
	// would have checked. The values are copied out of the reused line
	// buffer.
	if !json.Valid(data) {
		return nil, false
	}
	raw := func(v []byte) (json.RawMessage, bool) {
		if v == nil {
			return nil, true
		}
		return append(json.RawMessage(nil), v...), true
	}
	if method != nil {
		name, ok := jsonscan.PlainString(method)
		if !ok || result != nil {
			return nil, false
		}
		p, ok := raw(params)
		if !ok {
			return nil, false
		}
		return &jsonrpc.Request{ID: mid, Method: name, Params: p}, true
	}
	if !mid.IsValid() || params != nil {
		return nil, false
	}
	r, ok := raw(result)
	if !ok {
		return nil, false
	}
	return &jsonrpc.Response{ID: mid, Result: r}, true
}

// parseInt reads a JSON integer that fits an int64 exactly as a float64
// (the go-sdk's ids are float64s on the way in).
func parseInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 15 || (b[0] == '0' && len(b) > 1) {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
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
		buf = jsonwrite.AppendString(append(buf, `,"method":`...), m.Method)
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
		return jsonwrite.AppendString(buf, v)
	}
	return append(buf, "null"...)
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
