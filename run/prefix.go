package run

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxPrefix bounds a tool name prefix, so that the tool's own name keeps
// 24 of the 64 characters Mistral allows.
const maxPrefix = 40

// Prefix puts p before the name of each of the client's tools, so that two
// servers with a tool of the same name can both be used. Any non-empty p
// works: it is made into a valid prefix, deterministically —
//
//   - each run of characters outside [A-Za-z0-9_-] becomes one "_", and
//     leading ones are dropped ("io.github.upstash/context7_" gives
//     "io_github_upstash_context7_", "@modelcontextprotocol/server-memory_"
//     "modelcontextprotocol_server-memory_");
//   - a p left without a letter or digit ("日本", "@/") becomes "p" and a
//     short hash of p ("p3a9f1c_"), so that two such servers still differ;
//   - a p longer than 40 characters is cut, a short hash of the whole
//     marking it; its last "_" or "-" (the separator) is kept.
//
// Two servers whose prefixes come out the same (given "a.b" and "a/b") get
// the short hash of what was given appended, to tell them apart. A name
// longer than Mistral's 64 characters is cut to 57 and ends with "_" and a
// short hash of the whole name, so that long names sharing their start stay
// distinct. The names stay the same from run to run, as a conversation
// needs.
func Prefix(p string) MCPOption {
	return func(s *mcpSource) error {
		if p == "" {
			return fmt.Errorf("run: Prefix: empty prefix")
		}
		s.rawPrefix, s.prefix = p, cleanPrefix(p)
		return nil
	}
}

// cleanPrefix makes p a valid prefix (see Prefix).
func cleanPrefix(p string) string {
	var b strings.Builder
	alnum := false
	for _, r := range p {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			alnum = true
			b.WriteRune(r)
		case r == '_' || r == '-':
			b.WriteRune(r)
		default:
			if s := b.String(); !strings.HasSuffix(s, "_") {
				b.WriteByte('_')
			}
		}
	}
	clean := b.String()
	if alnum {
		// "@scope/name" gives "scope_name", not "_scope_name".
		clean = strings.TrimLeft(clean, "_-")
	}
	sep := ""
	if strings.HasSuffix(clean, "_") || strings.HasSuffix(clean, "-") {
		sep = clean[len(clean)-1:]
	}
	switch {
	case !alnum:
		return "p" + shortHash(p) + "_"
	case len(clean) > maxPrefix:
		body := clean[:maxPrefix-len(sep)-7]
		return body + "_" + shortHash(p) + sep
	}
	return clean
}

// shortHash is 6 hex digits of s's SHA-256: short, and stable across runs.
func shortHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:3])
}

// separatePrefixes appends a short hash to the prefixes that came out the
// same from different given ones (see Prefix), before the separator.
func separatePrefixes(mcps []*mcpSource) {
	given := map[string]map[string]bool{} // clean → raw prefixes
	for _, s := range mcps {
		if s.prefix == "" {
			continue
		}
		if given[s.prefix] == nil {
			given[s.prefix] = map[string]bool{}
		}
		given[s.prefix][s.rawPrefix] = true
	}
	for _, s := range mcps {
		if len(given[s.prefix]) < 2 {
			continue
		}
		body, sep := s.prefix, ""
		if strings.HasSuffix(body, "_") || strings.HasSuffix(body, "-") {
			body, sep = body[:len(body)-1], body[len(body)-1:]
		}
		if len(body) > maxPrefix-len(sep)-7 {
			body = body[:maxPrefix-len(sep)-7]
		}
		s.prefix = body + "_" + shortHash(s.rawPrefix) + sep
	}
}

// exposedName is the name the model sees for t: prefix + name, at most 64
// bytes (a longer one cut, with a hash of the whole).
func exposedName(prefix, name string) string {
	n := prefix + name
	if len(n) <= 64 {
		return n
	}
	cut := 57
	for cut > 0 && !utf8.RuneStart(n[cut]) {
		cut--
	}
	return n[:cut] + "_" + shortHash(n)
}
