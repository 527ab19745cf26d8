// Package prompt reads a run's prompt as mcprun run and mcprun-temporal
// run take it: the words after the flags, or stdin for "-".
package prompt

import (
	"fmt"
	"io"
	"strings"
)

// MaxStdin bounds a prompt read from stdin.
const MaxStdin = 10 << 20

// FromArgs joins the words after the flags; a lone "-" reads the prompt
// from stdin instead (for pipes and long prompts), at most MaxStdin bytes,
// spaces around it trimmed. No words is "".
func FromArgs(words []string, stdin io.Reader) (string, error) {
	p := strings.Join(words, " ")
	if p != "-" {
		return p, nil
	}
	b, err := io.ReadAll(io.LimitReader(stdin, MaxStdin))
	if err != nil {
		return "", fmt.Errorf("reading the prompt from stdin: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
