package mistral

import (
	"errors"
	"testing"
)

func TestPlainHTTPServerURLRefused(t *testing.T) {
	for _, u := range []string{"http://api.example", "http://127.attacker.example", "http://10.0.0.1:8080"} {
		_, err := NewClient(WithAPIKey("k"), WithServerURL(u))
		if !errors.Is(err, ErrPlainHTTP) {
			t.Errorf("NewClient(%s) = %v, want ErrPlainHTTP", u, err)
		}
		if _, err := NewClient(WithAPIKey("k"), WithServerURL(u), AllowPlainHTTP()); err != nil {
			t.Errorf("NewClient(%s, AllowPlainHTTP()) = %v", u, err)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8089", "http://[::1]:1", "http://localhost:2", "https://api.example"} {
		if _, err := NewClient(WithAPIKey("k"), WithServerURL(u)); err != nil {
			t.Errorf("NewClient(%s) = %v", u, err)
		}
	}
}
