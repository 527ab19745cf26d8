package mcpclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// A message over the line bound (16 MiB by default) is almost always a
// tool's result: a file read whole, a screenshot, a query's every row. It
// used to end the connection, and every call in flight with it. Now the
// stdio transport skips the line and, when it can tell which request it
// answers, answers that request itself: a tools/call gets a result marked
// as an error that the model reads ("the result was N bytes, over the
// limit"), any other request a JSON-RPC error; the session goes on. The id
// is read from the line's first or last bytes (servers write it first, as
// the go-sdk and the Python SDK do, or last, as the TypeScript SDK does).

// keptEnds is how much of each end of a long line is kept to find its id.
const keptEnds = 512

// longLineError is a line over the bound that ended (the stream goes on).
type longLineError struct {
	max        int
	size       int64
	head, tail []byte
}

func (e *longLineError) Error() string {
	return fmt.Sprintf("%v of %d bytes (a line of %d bytes)", errLineTooLong, e.max, e.size)
}

func (e *longLineError) Is(target error) bool { return target == errLineTooLong }

// keepTail keeps the last keptEnds bytes seen.
func (e *longLineError) keepTail(b []byte) {
	if len(b) >= keptEnds {
		e.tail = append(e.tail[:0], b[len(b)-keptEnds:]...)
		return
	}
	e.tail = append(e.tail, b...)
	if over := len(e.tail) - keptEnds; over > 0 {
		e.tail = append(e.tail[:0], e.tail[over:]...)
	}
}

var (
	idFirst = regexp.MustCompile(`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*(-?[0-9]+|"(?:[^"\\]|\\.)*")`)
	idLast  = regexp.MustCompile(`"id"\s*:\s*(-?[0-9]+|"(?:[^"\\]|\\.)*")\s*(?:,\s*"jsonrpc"\s*:\s*"2\.0"\s*)?\}\s*\r?\n?$`)
)

// messageID finds the id of the message a long line holds.
func (e *longLineError) messageID() (string, bool) {
	if m := idFirst.FindSubmatch(e.head); m != nil {
		return string(m[1]), true
	}
	if m := idLast.FindSubmatch(e.tail); m != nil {
		return string(m[1]), true
	}
	return "", false
}

// oversized answers the request a line too long answered, if it can tell
// which; ok is false when the connection must end instead.
func (c *stdioConn) oversized(err error) (jsonrpc.Message, bool) {
	var e *longLineError
	if !errors.As(err, &e) {
		return nil, false
	}
	raw, ok := e.messageID()
	if !ok {
		return nil, false
	}
	key, ok := rawIDKey(raw)
	if !ok {
		return nil, false
	}
	what := fmt.Sprintf("the server's answer was %d bytes, over the %d bytes a message may have; it was dropped", e.size, e.max)
	c.t.logger.Warn("mcp server answer over the size limit; dropped", "server", c.t.server, "bytes", e.size, "limit", e.max)
	var line string
	if c.calls.pending(key) {
		// No "Error: " here: RenderResult marks an error result so.
		text, _ := json.Marshal("the tool's result was too large: " + what + ". Ask for less (a smaller range, a summary, a page).")
		line = `{"jsonrpc":"2.0","id":` + raw + `,"result":{"content":[{"type":"text","text":` + string(text) + `}],"isError":true}}`
	} else {
		msg, _ := json.Marshal("mcpclient: " + what)
		line = `{"jsonrpc":"2.0","id":` + raw + `,"error":{"code":-32603,"message":` + string(msg) + `}}`
	}
	msgs, derr := c.dec.decode([]byte(line))
	if derr != nil || len(msgs) != 1 {
		return nil, false
	}
	c.calls.answered(msgs)
	return msgs[0], true
}

// pendingCalls are the ids of the tools/call requests sent and not yet
// answered: an oversized answer to one of them becomes a tool error.
type pendingCalls struct {
	mu  sync.Mutex
	ids map[string]struct{}
}

func (p *pendingCalls) sent(msg jsonrpc.Message) {
	req, ok := msg.(*jsonrpc.Request)
	if !ok || req.Method != "tools/call" || !req.ID.IsValid() {
		return
	}
	key, ok := idKey(req.ID)
	if !ok {
		return
	}
	p.mu.Lock()
	if p.ids == nil {
		p.ids = map[string]struct{}{}
	}
	p.ids[key] = struct{}{}
	p.mu.Unlock()
}

func (p *pendingCalls) answered(msgs []jsonrpc.Message) {
	for _, m := range msgs {
		r, ok := m.(*jsonrpc.Response)
		if !ok {
			continue
		}
		if key, ok := idKey(r.ID); ok {
			p.mu.Lock()
			delete(p.ids, key)
			p.mu.Unlock()
		}
	}
}

func (p *pendingCalls) pending(key string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.ids[key]
	return ok
}

// idKey and rawIDKey give an id one text, whether it comes from a message
// or from the JSON of a line.
func idKey(id jsonrpc.ID) (string, bool) {
	switch v := id.Raw().(type) {
	case int64:
		return "n" + strconv.FormatInt(v, 10), true
	case string:
		return "s" + v, true
	}
	return "", false
}

func rawIDKey(raw string) (string, bool) {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal([]byte(raw), &s) != nil {
			return "", false
		}
		return "s" + s, true
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		return "", false
	}
	return "n" + strconv.FormatInt(n, 10), true
}
