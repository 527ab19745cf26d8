package mcpconfig

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
)

// ErrEnvFileOutside is matched by an envFile written as a relative path
// that leaves the config's folder.
var ErrEnvFileOutside = errors.New("envFile outside the config's folder")

// envFileInside refuses a relative envFile that leads out of dir, by ".."
// or through a symbolic link (a cloned repository's "secrets.env" linking
// to ~/.aws/credentials). An absolute path is the file's author's explicit
// choice; whoever runs the file trusts it with the whole file (see the
// CLI's trust check).
func envFileInside(dir, envFile string) error {
	if envFile == "" || filepath.IsAbs(envFile) {
		return nil
	}
	p := filepath.Join(dir, envFile)
	if !within(dir, p) {
		return fmt.Errorf("%w: %s (name a file outside by its absolute path)", ErrEnvFileOutside, envFile)
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil // the folder's own problem shows when the file is read
	}
	real, err := filepath.EvalSymlinks(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // reading it says it is missing
	}
	if err != nil || !within(realDir, real) {
		return fmt.Errorf("%w: %s links out of it (name a file outside by its absolute path)", ErrEnvFileOutside, envFile)
	}
	return nil
}

// within reports whether path is dir or under it (both clean).
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
