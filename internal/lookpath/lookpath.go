// Package lookpath finds a command in a given PATH, as a child whose
// environment has that PATH finds it: exec.LookPath searches only this
// process's PATH.
//
// A server's environment can set its own PATH (a config's "env"), and the
// reference SDKs look the command up there (Node's spawn, Python's
// subprocess with env). os/exec does not: exec.Command would run the
// program of that name on the client's PATH instead, or report it missing
// when only the server's PATH has it.
package lookpath

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// In returns the path of the executable file named file in the directories
// of pathList (a PATH value), with exec.LookPath's rules: a name with a
// slash is not searched (returned as it is); the first match wins; a match
// in a relative directory is returned with an error matching exec.ErrDot;
// none is an *exec.Error matching exec.ErrNotFound.
//
// On Windows, where finding a command also involves PATHEXT, In searches
// this process's PATH, as exec.LookPath does.
func In(file, pathList string) (string, error) {
	if runtime.GOOS == "windows" {
		return exec.LookPath(file)
	}
	if strings.Contains(file, "/") {
		return file, nil
	}
	for _, dir := range filepath.SplitList(pathList) {
		if dir == "" {
			dir = "." // an empty element is the current directory, as for a shell
		}
		p := filepath.Join(dir, file)
		if !executable(p) {
			continue
		}
		if !filepath.IsAbs(p) {
			return p, &exec.Error{Name: file, Err: exec.ErrDot}
		}
		return p, nil
	}
	return "", &exec.Error{Name: file, Err: exec.ErrNotFound}
}

func executable(p string) bool {
	fi, err := os.Stat(p)
	if err != nil {
		return false
	}
	m := fi.Mode()
	return !m.IsDir() && m&fs.FileMode(0o111) != 0
}
