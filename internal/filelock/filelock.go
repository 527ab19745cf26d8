// Package filelock holds a lock file across processes, so that two mcprun
// processes never read, refresh and rewrite the same login at once.
package filelock

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// poll is how often a held lock is tried again. Locks are held for one
// token refresh: short, and not worth an uncancellable blocking call.
const poll = 20 * time.Millisecond

// Lock takes an exclusive lock on the file at path (created 0600, with its
// directory 0700, if missing) and returns the function that releases it.
// It waits while another process (or another Lock in this one) holds it,
// until ctx ends.
func Lock(ctx context.Context, path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("lock file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock file: %w", err)
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock file %s: %w", path, err)
		}
		if ok {
			return func() {
				_ = unlockFile(f)
				_ = f.Close()
			}, nil
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for lock file %s: %w", path, ctx.Err())
		case <-t.C:
		}
	}
}
