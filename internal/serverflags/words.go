package serverflags

import (
	"fmt"

	"mvdan.cc/sh/v3/shell"
)

// Words splits a --stdio command as a shell splits words, expanding $VAR
// from getenv, without running a shell. Shell syntax beyond words (pipes,
// redirections, command and process substitution) is an error: the parser
// refuses most of it and panics on some (`cat <(id)`), which is turned
// into the same error.
func Words(s string, getenv func(string) string) (words []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			words, err = nil, fmt.Errorf("shell syntax that is not plain words; no shell is run (use sh -c '…' to run one)")
		}
	}()
	words, err = shell.Fields(s, getenv)
	if err != nil {
		return nil, fmt.Errorf("%w; no shell is run (use sh -c '…' to run one)", err)
	}
	return words, nil
}
