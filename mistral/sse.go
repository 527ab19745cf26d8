package mistral

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// sseEvent is one Server-Sent Event.
type sseEvent struct {
	Event string
	Data  []byte
	ID    string
}

// ErrEventTooLarge means one SSE event exceeded the reader's limit.
var ErrEventTooLarge = errors.New("mistral: server-sent event too large")

// sseReader parses a text/event-stream (the WHATWG grammar: event, data, id
// and retry fields; comments; LF, CRLF or CR line ends; multi-line data).
type sseReader struct {
	r   *bufio.Reader
	max int
	buf []byte
}

func newSSEReader(r io.Reader, maxEvent int) *sseReader {
	return &sseReader{r: bufio.NewReaderSize(r, 32<<10), max: maxEvent}
}

// readLine returns one line without its terminator; io.EOF at the end.
func (s *sseReader) readLine() ([]byte, error) {
	s.buf = s.buf[:0]
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			if errors.Is(err, io.EOF) && len(s.buf) > 0 {
				return s.buf, nil
			}
			return nil, err
		}
		switch b {
		case '\n':
			return s.buf, nil
		case '\r':
			if nb, err := s.r.Peek(1); err == nil && nb[0] == '\n' {
				_, _ = s.r.ReadByte()
			}
			return s.buf, nil
		}
		s.buf = append(s.buf, b)
		if len(s.buf) > s.max {
			return nil, fmt.Errorf("%w (over %d bytes)", ErrEventTooLarge, s.max)
		}
	}
}

// Next returns the next event with data; io.EOF when the stream ends cleanly
// (a trailing event without its blank line is still delivered).
func (s *sseReader) Next() (*sseEvent, error) {
	var (
		ev      sseEvent
		data    bytes.Buffer
		hasData bool
	)
	for {
		line, err := s.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) && hasData {
				ev.Data = data.Bytes()
				return &ev, nil
			}
			return nil, err
		}
		if len(line) == 0 { // dispatch
			if hasData {
				ev.Data = data.Bytes()
				return &ev, nil
			}
			ev = sseEvent{}
			continue
		}
		if line[0] == ':' {
			continue // comment
		}
		field, value, found := bytes.Cut(line, []byte(":"))
		if found && len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
		switch string(field) {
		case "event":
			ev.Event = string(value)
		case "data":
			if hasData {
				data.WriteByte('\n')
			}
			data.Write(value)
			hasData = true
			if data.Len() > s.max {
				return nil, fmt.Errorf("%w (over %d bytes)", ErrEventTooLarge, s.max)
			}
		case "id":
			ev.ID = string(value)
		}
		// "retry" and unknown fields are ignored, as the grammar says.
	}
}
