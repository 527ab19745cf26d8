package mcpclient

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// errLineTooLong is returned by [lineReader.next] for a line over its bound.
var errLineTooLong = errors.New("line exceeded the maximum length")

// A lineReader splits a stream into newline-delimited lines, each at most
// max bytes, reusing its buffers: the slice next returns is valid until the
// following call.
type lineReader struct {
	r    *bufio.Reader
	max  int
	long []byte // a line longer than r's buffer, gathered
}

// lineReaderBuffer is the read buffer: one read syscall takes up to this
// much, and lines that fit are returned from it without copying.
const lineReaderBuffer = 64 << 10

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, lineReaderBuffer), max: max}
}

// next returns the next line without its "\n" (nor a "\r" before it). At
// the end of the stream it returns io.EOF, or an error matching
// io.ErrUnexpectedEOF if the stream ended within a line that is not blank.
// A line over max bytes is an error matching errLineTooLong; the reader
// skips the rest of it, and the next call returns the line after.
func (l *lineReader) next() ([]byte, error) {
	if cap(l.long) > 1<<20 {
		l.long = nil // a huge line once is no reason to keep its memory
	}
	line, err := l.r.ReadSlice('\n')
	if err == nil {
		return l.check(line[:len(line)-1])
	}
	if err != bufio.ErrBufferFull {
		return nil, endOfStream(line, err)
	}
	l.long = append(l.long[:0], line...)
	for {
		line, err = l.r.ReadSlice('\n')
		if len(l.long)+len(line) > l.max+2 { // room for "\r\n"
			return nil, l.skip(line, err)
		}
		l.long = append(l.long, line...)
		switch {
		case err == nil:
			return l.check(l.long[:len(l.long)-1])
		case err != bufio.ErrBufferFull:
			return nil, endOfStream(l.long, err)
		}
	}
}

// check trims a "\r" and applies the bound to a complete line.
func (l *lineReader) check(line []byte) ([]byte, error) {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if len(line) > l.max {
		e := &longLineError{max: l.max, size: int64(len(line))}
		e.head = append(e.head, line[:min(len(line), keptEnds)]...)
		e.keepTail(line)
		return nil, e
	}
	return line, nil
}

// skip discards the rest of a line that is too long; line and err are the
// last ReadSlice's. What it returns matches errLineTooLong; when the line ended
// (the stream goes on) it is a *longLineError with the line's first and
// last bytes, where a JSON-RPC message's id is (see oversize.go).
func (l *lineReader) skip(line []byte, err error) error {
	e := &longLineError{max: l.max, size: int64(len(l.long) + len(line))}
	e.head = append(e.head, l.long[:min(len(l.long), keptEnds)]...)
	e.keepTail(l.long)
	e.keepTail(line)
	l.long = l.long[:0]
	for err == bufio.ErrBufferFull {
		line, err = l.r.ReadSlice('\n')
		e.size += int64(len(line))
		e.keepTail(line)
	}
	if err != nil {
		return errors.Join(fmt.Errorf("%w of %d bytes", errLineTooLong, l.max), endOfStream(nil, err))
	}
	return e
}

// endOfStream says how a stream ended, given what was left of a line.
func endOfStream(rest []byte, err error) error {
	if err != io.EOF {
		return err
	}
	for _, b := range rest {
		if b != ' ' && b != '\t' && b != '\r' && b != '\n' {
			return fmt.Errorf("%w: the stream ended in the middle of a line", io.ErrUnexpectedEOF)
		}
	}
	return io.EOF
}
