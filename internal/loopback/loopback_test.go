package loopback

import "testing"

func TestHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost":            true,
		"LOCALHOST":            true,
		"127.0.0.1":            true,
		"127.0.0.2":            true,
		"127.255.255.254":      true,
		"::1":                  true,
		"[::1]":                true,
		"::ffff:127.0.0.1":     true,
		"127.attacker.example": false,
		"127.0.0.1.nip.io":     false,
		"localhost.example":    false,
		"evil-localhost":       false,
		"128.0.0.1":            false,
		"0.0.0.0":              false,
		"::":                   false,
		"10.0.0.1":             false,
		"":                     false,
		"127.1":                false, // not an IP literal Go accepts; never resolved
		"fe80::1%lo":           false,
	} {
		if got := Host(host); got != want {
			t.Errorf("Host(%q) = %v, want %v", host, got, want)
		}
	}
}
