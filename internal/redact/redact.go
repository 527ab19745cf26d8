// Package redact removes known secrets (the API key, tokens, client
// secrets, header values in use) from text that leaves the process: error
// lines, what the model reads, span attributes.
package redact

import (
	"slices"
	"strings"
	"sync"
)

// Placeholder replaces a secret.
const Placeholder = "[REDACTED]"

// minLen is the shortest value taken as a secret: shorter ones ("1",
// "true") would redact ordinary words.
const minLen = 8

// A Set is the secrets in use. The zero value and nil are empty sets; a
// Set is safe for concurrent use.
type Set struct {
	mu      sync.RWMutex
	secrets []string // longest first, so that a secret containing another goes whole
	r       *strings.Replacer
}

// Add adds secrets; empty and short values are ignored.
func (s *Set) Add(secrets ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range secrets {
		v = strings.TrimSpace(v)
		if len(v) >= minLen && !slices.Contains(s.secrets, v) {
			s.secrets = append(s.secrets, v)
		}
	}
	slices.SortFunc(s.secrets, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(s.secrets))
	for _, v := range s.secrets {
		pairs = append(pairs, v, Placeholder)
	}
	s.r = strings.NewReplacer(pairs...)
}

// Secrets returns the set's secrets, longest first.
func (s *Set) Secrets() []string {
	if s == nil {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Clone(s.secrets)
}

// String returns text with every secret of the set replaced.
func (s *Set) String(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	r := s.r
	s.mu.RUnlock()
	if r == nil {
		return text
	}
	return r.Replace(text)
}

// SecretName reports whether an environment variable's name says its value
// is a credential (API_KEY, GITHUB_TOKEN, DB_PASSWORD, …).
func SecretName(name string) bool {
	n := strings.ToUpper(name)
	for _, w := range []string{"KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "AUTH", "CREDENTIAL", "COOKIE", "SESSION"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}
