package mcpconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestResetTimeoutOnProgressKeys(t *testing.T) {
	load := func(entry string) (*File, error) {
		path := filepath.Join(t.TempDir(), "mcprun.json")
		os.WriteFile(path, []byte(`{"mcpServers": {"long": `+entry+`}}`), 0o600)
		return Load(path, testOptions())
	}
	f, err := load(`{"command": "srv", "timeout": 30, "resetTimeoutOnProgress": true, "maxTotalTimeout": 600, "maxResultBytes": 4096}`)
	if err != nil {
		t.Fatal(err)
	}
	if s := f.Servers[0]; !s.ResetTimeoutOnProgress || s.MaxTotalTimeout != 10*time.Minute || s.Timeout != 30*time.Second || s.MaxResultBytes != 4096 {
		t.Fatalf("%+v", s)
	}
	if f, err = load(`{"command": "srv", "resetTimeoutOnProgress": true}`); err != nil || f.Servers[0].MaxTotalTimeout != 0 {
		t.Fatalf("%v %+v", err, f)
	}
	for _, bad := range []string{
		`{"command": "srv", "maxTotalTimeout": 600}`,
		`{"command": "srv", "resetTimeoutOnProgress": true, "maxTotalTimeout": -1}`,
		`{"command": "srv", "resetTimeoutOnProgress": "yes"}`,
		`{"command": "srv", "maxResultBytes": 0.5}`,
	} {
		if _, err := load(bad); err == nil || !strings.Contains(err.Error(), "long") {
			t.Errorf("%s: err %v, want one naming the server", bad, err)
		}
	}
}
