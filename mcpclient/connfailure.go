package mcpclient

import (
	"sync"
	"sync/atomic"
)

// connFailure is the first reason a connection became unusable, readable
// without waiting: a transport records it when reading or writing fails, so
// that the session is dropped before the next call is made on it (see
// hooks.dead). The zero value is a connection that has not failed.
type connFailure struct {
	once sync.Once
	err  atomic.Pointer[error]
}

// fail records err, if no reason was recorded before.
func (f *connFailure) fail(err error) {
	f.once.Do(func() { f.err.Store(&err) })
}

// isDead reports whether the connection failed, and why.
func (f *connFailure) isDead() (bool, error) {
	if p := f.err.Load(); p != nil {
		return true, *p
	}
	return false, nil
}
