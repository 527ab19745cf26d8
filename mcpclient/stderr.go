package mcpclient

import (
	"sync"
	"unicode/utf8"
)

// ringBuffer keeps the last limit bytes written to it. A stdio server's
// stderr goes here so that it can be shown in errors without growing
// without bound when a server logs a lot.
type ringBuffer struct {
	mu    sync.Mutex
	limit int
	buf   []byte
	start int  // index of the oldest byte once full
	full  bool // buf has wrapped
}

func newRingBuffer(limit int) *ringBuffer {
	if limit <= 0 {
		limit = defaultStderrLimit
	}
	return &ringBuffer{limit: limit}
}

// Write never fails: it is the child's stderr, and a write error would only
// make os/exec's copying goroutine stop early.
func (r *ringBuffer) Write(p []byte) (int, error) {
	n := len(p)
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(p) >= r.limit {
		r.buf = append(r.buf[:0], p[len(p)-r.limit:]...)
		r.start, r.full = 0, true
		return n, nil
	}
	if !r.full {
		if len(r.buf)+len(p) <= r.limit {
			r.buf = append(r.buf, p...)
			return n, nil
		}
		// Fill to the limit, then wrap.
		k := r.limit - len(r.buf)
		r.buf = append(r.buf, p[:k]...)
		p = p[k:]
		r.full = true
		r.start = 0
	}
	for len(p) > 0 {
		k := copy(r.buf[r.start:], p)
		p = p[k:]
		r.start = (r.start + k) % r.limit
	}
	return n, nil
}

// String returns what the buffer holds, oldest first.
func (r *ringBuffer) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.full {
		return string(r.buf)
	}
	out := make([]byte, 0, r.limit)
	out = append(out, r.buf[r.start:]...)
	out = append(out, r.buf[:r.start]...)
	return string(out)
}

// tail returns at most n bytes from the end, starting on a rune boundary.
func (r *ringBuffer) tail(n int) string {
	s := r.String()
	if len(s) <= n {
		return s
	}
	s = s[len(s)-n:]
	for len(s) > 0 && !utf8.RuneStart(s[0]) {
		s = s[1:]
	}
	return s
}
