// Package atomicfile replaces a file whole, so that a reader (another
// mcprun process) or a crash never sees half of it.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write replaces the file at path with data: written to a temporary file
// in the same folder (created 0700 if missing), mode 0600, synced to disk,
// then renamed over path. On failure the file at path is as it was and no
// temporary file is left. The error is the file system's, for the caller
// to say what was being saved.
func Write(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // nothing left to remove after the rename
	err = tmp.Chmod(0o600)      // CreateTemp's mode already; said for the reader
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
