package mcpclient

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

// FuzzLineReader checks the stdio transport's line reader against a plain
// split of the same input: the same lines, "\r" trimmed, lines over the
// bound reported and skipped, and a clean or unclean end told apart. The
// input arrives a byte at a time or all at once.
func FuzzLineReader(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n{\"b\":2}\r\n\n"), uint16(8), false)
	f.Add([]byte("short\nthis line is too long\nok\n"), uint16(5), true)
	f.Add([]byte("half a messa"), uint16(100), false)
	f.Add([]byte("  \n \r\n"), uint16(1), true)
	f.Fuzz(func(t *testing.T, input []byte, max uint16, slow bool) {
		limit := int(max%2048) + 1
		var r io.Reader = bytes.NewReader(input)
		if slow {
			r = iotest.OneByteReader(r)
		}
		lr := newLineReader(r, limit)
		lr.r = bufioSmall(r) // small buffer: long lines take the gathering path
		pieces := bytes.Split(input, []byte("\n"))
		last := pieces[len(pieces)-1]
		for _, want := range pieces[:len(pieces)-1] {
			want = bytes.TrimSuffix(want, []byte("\r"))
			got, err := lr.next()
			if len(want) > limit {
				if !errors.Is(err, errLineTooLong) {
					t.Fatalf("a line of %d bytes (bound %d): %q, %v", len(want), limit, got, err)
				}
				continue
			}
			if err != nil || !bytes.Equal(got, want) {
				t.Fatalf("got %q, %v; want %q", got, err, want)
			}
		}
		_, err := lr.next()
		switch {
		case len(last) > limit+2:
			// Either is true of a stream that ends within a long line.
			blank := len(bytes.Trim(last, jsonSpace)) == 0
			if !errors.Is(err, errLineTooLong) && !errors.Is(err, io.ErrUnexpectedEOF) && !(blank && err == io.EOF) {
				t.Fatalf("end in a long line: %v", err)
			}
		case len(bytes.Trim(last, jsonSpace)) > 0:
			if !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("end within %q: %v", last, err)
			}
		default:
			if err != io.EOF {
				t.Fatalf("clean end: %v", err)
			}
		}
	})
}

// jsonSpace is JSON's whitespace, what the reader takes as blank (not
// bytes.TrimSpace's, which also counts "\f", "\v" and Unicode spaces).
const jsonSpace = " \t\r\n"

func bufioSmall(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(r, 16) }

// FuzzDecodeUsual checks the stdio transport's decoder without
// encoding/json against its general path: whenever it takes a message,
// the general path reads the same message.
func FuzzDecodeUsual(f *testing.F) {
	f.Add([]byte(`{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"hello"}]}}`))
	f.Add([]byte(`{"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}`))
	f.Add([]byte(`{"jsonrpc":"2.0","id":"a","method":"ping"}`))
	f.Add([]byte(`{"jsonrpc":"2.0","id":-12,"result":{}, "id": 3}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		fast, ok := decodeUsual(line)
		if !ok {
			return
		}
		var d decoder
		general, err := d.decodeGeneral(line)
		if err != nil {
			t.Fatalf("%s: taken without encoding/json, refused with it: %v", line, err)
		}
		if !sameMessage(fast, general) {
			t.Fatalf("%s:\n%#v\n%#v", line, fast, general)
		}
	})
}
