//go:build !unix && !windows

package filelock

import (
	"os"
	"sync"
)

// Without file locks, processes are not excluded; goroutines still are.
var held sync.Map

func tryLock(f *os.File) (bool, error) {
	_, loaded := held.LoadOrStore(f.Name(), true)
	return !loaded, nil
}

func unlockFile(f *os.File) error { held.Delete(f.Name()); return nil }
