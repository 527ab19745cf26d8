package oauth

import (
	"errors"
	"regexp"
)

// secretish matches JSON members and form/query parameters whose values are
// credentials, so server answers quoted in errors never carry them.
var secretish = regexp.MustCompile(`(?i)("?\b(access_token|refresh_token|id_token|client_secret|code_verifier|assertion|client_assertion|subject_token|password|code)"?\s*[:=]\s*"?)([^"&,\s}]+)`)

// bearerish matches a bearer credential (an Authorization header quoted back).
var bearerish = regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9\-._~+/]+=*`)

// redact removes credential values from s.
func redact(s string) string {
	s = secretish.ReplaceAllString(s, `${1}[REDACTED]`)
	return bearerish.ReplaceAllString(s, `${1}[REDACTED]`)
}

// sanitizedError keeps the chain of err (for errors.Is/As) but prints a
// redacted message.
type sanitizedError struct {
	msg string
	err error
}

func (e *sanitizedError) Error() string { return e.msg }
func (e *sanitizedError) Unwrap() error { return e.err }

// sanitize returns err with credential values removed from its message.
func sanitize(err error) error {
	if err == nil {
		return nil
	}
	msg := redact(err.Error())
	if msg == err.Error() {
		return err
	}
	var se *sanitizedError
	if errors.As(err, &se) {
		return err
	}
	return &sanitizedError{msg: msg, err: err}
}
