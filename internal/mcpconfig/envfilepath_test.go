package mcpconfig

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestEnvFileOutsideRefused(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	secret := filepath.Join(root, "credentials")
	for path, data := range map[string]string{
		secret:                           "AWS_SECRET=s3cr3t\n",
		filepath.Join(repo, "ok.env"):    "OK=1\n",
		filepath.Join(repo, "sub/a.env"): "A=1\n",
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(secret, filepath.Join(repo, "link.env")); err != nil {
		t.Fatal(err)
	}
	load := func(envFile string) error {
		cfg := filepath.Join(repo, "mcprun.json")
		data := `{"mcpServers": {"s": {"command": "x", "envFile": "` + envFile + `"}}}`
		if err := os.WriteFile(cfg, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(cfg, Options{})
		return err
	}
	for _, bad := range []string{"../credentials", "sub/../../credentials", "link.env"} {
		if err := load(bad); !errors.Is(err, ErrEnvFileOutside) {
			t.Errorf("envFile %q: %v, want ErrEnvFileOutside", bad, err)
		}
	}
	for _, good := range []string{"ok.env", "sub/a.env", "./sub/../ok.env", secret} {
		if err := load(good); err != nil {
			t.Errorf("envFile %q: %v", good, err)
		}
	}
}
