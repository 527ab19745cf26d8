package main

import (
	"errors"
	"strings"
	"unicode"

	"github.com/mcprun/mcprun/internal/mcpconfig"
	"github.com/mcprun/mcprun/internal/redact"
	"github.com/mcprun/mcprun/mcpclient"
)

// terminalSafe removes control characters (escape sequences that would
// move the cursor, rewrite the screen or set the title) from text a server
// or a file supplied, before it is printed to a terminal. Tabs and
// newlines stay.
func terminalSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case unicode.IsControl(r), r == '\u2028', r == '\u2029', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return -1 // C0, DEL, C1 (CSI), line separators and bidi overrides
		}
		return r
	}, s)
}

// shown is server- or model-supplied text for the terminal: without
// control characters or the secrets in use.
func (a *app) shown(s string) string { return a.secrets.String(terminalSafe(s)) }

// errorLine is the one line a failed command prints: a stdio server's
// stderr tail (which the run keeps from the model) put back, control
// characters and the secrets in use taken out.
func (a *app) errorLine(err error) string {
	msg := err.Error()
	var se *mcpclient.ServerError
	if errors.As(err, &se) {
		if tail := strings.TrimSpace(se.Stderr); tail != "" && !strings.Contains(msg, tail) {
			msg += "; stderr: " + tail
		}
	}
	return a.shown(oneLine(msg))
}

// rememberSecrets adds what a server is given that is a credential: its
// header values, the values of its env variables named like one (…_KEY,
// …_TOKEN, …), its OAuth client secret.
func (a *app) rememberSecrets(s mcpconfig.Server) {
	for _, v := range s.Headers {
		a.secrets.Add(v)
		if _, cred, ok := strings.Cut(v, " "); ok { // "Bearer TOKEN": the token alone too
			a.secrets.Add(cred)
		}
	}
	for k, v := range s.Env {
		if redact.SecretName(k) {
			a.secrets.Add(v)
		}
	}
	if s.OAuth != nil {
		a.secrets.Add(s.OAuth.ClientSecret)
	}
}
