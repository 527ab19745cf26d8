package run_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var fakeAPIBin = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "run-fakeapi")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "fakeapi")
	if out, err := exec.Command("go", "build", "-o", bin, "../internal/benchpeers/fakeapi").CombinedOutput(); err != nil {
		return "", &buildError{err, string(out)}
	}
	return bin, nil
})

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "building fakeapi: " + e.err.Error() + "\n" + e.out }

// startFakeAPI runs mistraltest in a process of its own (see
// internal/benchpeers/fakeapi) and returns its URL: a benchmark of the
// client side then measures the client alone, not the fake API's work and
// memory too.
func startFakeAPI(b testing.TB, args ...string) string {
	b.Helper()
	bin, err := fakeAPIBin()
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		b.Fatalf("fakeapi: %v", err)
	}
	return line[:len(line)-1]
}
