package redact

import "testing"

func TestSet(t *testing.T) {
	var s Set
	s.Add("sk-the-api-key-123", "short", "", "ghp_0123456789", "sk-the-api-key-123-longer")
	got := s.String("key sk-the-api-key-123-longer and sk-the-api-key-123, pat ghp_0123456789; short stays")
	want := "key [REDACTED] and [REDACTED], pat [REDACTED]; short stays"
	if got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	var none *Set
	if none.String("x") != "x" {
		t.Error("a nil Set changed text")
	}
	for name, want := range map[string]bool{"MISTRAL_API_KEY": true, "GITHUB_TOKEN": true, "DB_PASSWORD": true, "PATH": false, "HOME": false, "LOG_LEVEL": false} {
		if SecretName(name) != want {
			t.Errorf("SecretName(%s) = %v", name, !want)
		}
	}
}
