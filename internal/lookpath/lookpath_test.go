package lookpath

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestIn(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("In is exec.LookPath on Windows")
	}
	a, b, empty := t.TempDir(), t.TempDir(), t.TempDir()
	write := func(p string, mode os.FileMode) {
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(a, "tool"), 0o755)
	write(filepath.Join(b, "tool"), 0o755)
	write(filepath.Join(a, "plain"), 0o644)
	write(filepath.Join(b, "plain"), 0o755)
	if err := os.Mkdir(filepath.Join(a, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	list := func(dirs ...string) string {
		return strings.Join(dirs, string(filepath.ListSeparator))
	}

	for _, tc := range []struct {
		file, path, want string
		is               error
	}{
		{"tool", list(a, b), filepath.Join(a, "tool"), nil},              // the first match
		{"tool", list(b, a), filepath.Join(b, "tool"), nil},              // order matters
		{"plain", list(a, b), filepath.Join(b, "plain"), nil},            // not executable: skipped
		{"dir", list(a, empty), "", exec.ErrNotFound},                    // a directory is no command
		{"sh", empty, "", exec.ErrNotFound},                              // this process's PATH is not searched
		{"./tool", empty, "./tool", nil},                                 // a name with a slash: as it is
		{filepath.Join(a, "tool"), empty, filepath.Join(a, "tool"), nil}, // likewise
		{"nothing", "", "", exec.ErrNotFound},                            // an empty PATH: the current directory only
	} {
		got, err := In(tc.file, tc.path)
		if got != tc.want || !errors.Is(err, tc.is) || (tc.is == nil) != (err == nil) {
			t.Errorf("In(%q, %q) = %q, %v; want %q, %v", tc.file, tc.path, got, err, tc.want, tc.is)
		}
	}
	// A relative directory: found, but refused as exec.LookPath does.
	t.Chdir(a)
	if got, err := In("tool", "."+string(filepath.ListSeparator)+b); got != "tool" || !errors.Is(err, exec.ErrDot) {
		t.Errorf("relative directory: %q, %v; want exec.ErrDot", got, err)
	}
}
