package oauth

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

// rotatingAS is an authorization server's token endpoint that rotates
// refresh tokens and, as OAuth 2.1 recommends, revokes the whole family
// when a spent refresh token comes back. Answers are slow, so that two
// clients refreshing at once overlap.
type rotatingAS struct {
	srv *httptest.Server

	mu      sync.Mutex
	n       int
	current string // the family's one valid refresh token
	access  map[string]bool
	revoked bool
	reused  int
}

func newRotatingAS(t *testing.T) *rotatingAS {
	a := &rotatingAS{current: "refresh-0", access: map[string]bool{}}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *rotatingAS) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/token" || r.ParseForm() != nil || r.Form.Get("grant_type") != "refresh_token" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	time.Sleep(300 * time.Millisecond)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.revoked || r.Form.Get("refresh_token") != a.current {
		if !a.revoked {
			a.reused++
		}
		a.revoked = true // reuse: the family is revoked
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	}
	a.n++
	a.current = fmt.Sprintf("refresh-%d", a.n)
	at := fmt.Sprintf("access-%d", a.n)
	a.access[at] = true
	writeJSON(w, http.StatusOK, map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": 3600, "refresh_token": a.current})
}

// valid reports whether rec is a login the server still honours.
func (a *rotatingAS) valid(rec *Record) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return !a.revoked && rec != nil && rec.Token != nil && rec.Token.RefreshToken == a.current && a.access[rec.Token.AccessToken]
}

const refreshHelperEnv = "MCPRUN_TEST_REFRESH_HELPER"

// TestRefreshHelperProcess is one of the processes of
// TestTwoProcessesRefreshOneLogin (it does nothing in a normal run): it
// loads the shared login, says ready, waits for "go" on stdin, then asks
// for a token, which refreshes the expired one, and exits.
func TestRefreshHelperProcess(t *testing.T) {
	arg := os.Getenv(refreshHelperEnv)
	if arg == "" {
		return
	}
	store, server, _ := strings.Cut(arg, " ")
	h, err := NewHandler(server, testRedirect, (&RedirectFollower{}).Fetch, WithStore(NewFileStore(store)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ts, err := h.TokenSource(ctx)
	if err != nil || ts == nil {
		t.Fatalf("no stored login: %v", err)
	}
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	tok, err := ts.Token()
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	fmt.Println("token:", tok.AccessToken)
	os.Exit(0) // a helper, not a test: its idle connections are no leak
}

func TestTwoProcessesRefreshOneLogin(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	as := newRotatingAS(t)
	server := "https://mcp.example/mcp" // never contacted: only the token endpoint is
	path := filepath.Join(t.TempDir(), "tokens.json")
	store := NewFileStore(path)
	ctx := ctxT(t)
	if err := store.Save(ctx, &Record{
		Server: server,
		Token:  &oauth2.Token{AccessToken: "access-0", RefreshToken: "refresh-0", Expiry: time.Now().Add(-time.Hour)},
		Client: &Registration{ClientID: "c", AuthMethod: "none", TokenURL: as.srv.URL + "/token", RedirectURI: testRedirect},
	}); err != nil {
		t.Fatal(err)
	}

	type proc struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *bufio.Reader
	}
	var procs []*proc
	for range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRefreshHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), refreshHelperEnv+"="+path+" "+server)
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		p := &proc{cmd: cmd, stdin: stdin, out: bufio.NewReader(stdout)}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		procs = append(procs, p)
	}
	for _, p := range procs {
		if line, err := p.out.ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("helper: %q %v", line, err)
		}
	}
	for _, p := range procs {
		fmt.Fprintln(p.stdin, "go")
	}
	var got []string
	for _, p := range procs {
		rest, _ := io.ReadAll(p.out)
		if err := p.cmd.Wait(); err != nil {
			t.Errorf("a process failed to refresh: %v\n%s", err, rest)
		}
		got = append(got, strings.TrimSpace(string(rest)))
	}
	t.Logf("processes: %q", got)
	if as.reused > 0 {
		t.Errorf("a spent refresh token was sent again %d times (the family got revoked)", as.reused)
	}
	raw, _ := os.ReadFile(path)
	var m map[string]*Record
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if rec := m[StoreKey(server, nil)]; !as.valid(rec) {
		t.Errorf("the stored login is no longer valid: %+v", rec.Token)
	}
}

// A token file others can read is reported, not silently passed over for
// a new login.
func TestLooseTokenFileReported(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.json")
	store := NewFileStore(path)
	ctx := ctxT(t)
	if err := store.Save(ctx, &Record{Server: "https://mcp.example/mcp", Token: &oauth2.Token{AccessToken: "a"}}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler("https://mcp.example/mcp", testRedirect, (&RedirectFollower{}).Fetch, WithStore(store))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.TokenSource(ctx); !errors.Is(err, ErrInsecureFile) || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("TokenSource with a 0644 token file: %v, want ErrInsecureFile", err)
	}
}
