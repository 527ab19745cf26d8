package oauth

import (
	"bufio"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/modelcontextprotocol/go-sdk/auth"
)

// nodeTools returns the node binary and node_modules directory from the
// environment (make unit exports them) or from .cache/tools.env.
func nodeTools() (node, modules string) {
	node, modules = os.Getenv("MCPRUN_NODE"), os.Getenv("MCPRUN_NODE_MODULES")
	if node != "" && modules != "" {
		return node, modules
	}
	dir, _ := os.Getwd()
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		f, err := os.Open(filepath.Join(dir, ".cache", "tools.env"))
		if err != nil {
			continue
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), "=")
			switch k {
			case "MCPRUN_NODE":
				if node == "" {
					node = v
				}
			case "MCPRUN_NODE_MODULES":
				if modules == "" {
					modules = v
				}
			}
		}
		break
	}
	return node, modules
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startTSServer runs the TypeScript SDK's example server with
// --oauth-strict (tokens must name this server as their resource) and
// returns its MCP URL.
func startTSServer(t *testing.T) string {
	t.Helper()
	node, modules := nodeTools()
	script := filepath.Join(modules, "@modelcontextprotocol", "sdk", "dist", "esm", "examples", "server", "simpleStreamableHttp.js")
	if node == "" {
		t.Skip("node not installed (run `make tools`; MCPRUN_NODE unset and no .cache/tools.env)")
	}
	if _, err := os.Stat(script); err != nil {
		t.Skipf("TS SDK example server not installed at %s (run `make tools`)", script)
	}
	mcpPort, authPort := freePort(t), freePort(t)
	cmd := exec.Command(node, script, "--oauth", "--oauth-strict")
	cmd.Env = append(os.Environ(), "MCP_PORT="+strconv.Itoa(mcpPort), "MCP_AUTH_PORT="+strconv.Itoa(authPort))
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
		if t.Failed() {
			t.Logf("TS server output:\n%s", out.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for _, port := range []int{mcpPort, authPort} {
		for {
			c, err := net.DialTimeout("tcp", "localhost:"+strconv.Itoa(port), time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-done:
				t.Fatalf("TS server exited:\n%s", out.String())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("TS server not listening on %d:\n%s", port, out.String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return "http://localhost:" + strconv.Itoa(mcpPort) + "/mcp"
}

func TestTypeScriptServerOAuth(t *testing.T) {
	if testing.Short() {
		t.Skip("starts node")
	}
	server := startTSServer(t)
	ctx := ctxT(t)
	store := NewFileStore(filepath.Join(t.TempDir(), "tokens.json"))
	var logins atomic.Int32
	follower := &RedirectFollower{}
	newHandler := func() *Handler {
		h, err := NewHandler(server, Config{Store: store, RedirectURL: testRedirect,
			Fetcher: func(ctx context.Context, a *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
				logins.Add(1)
				return follower.Fetch(ctx, a)
			}})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	greet := func(h *Handler) {
		t.Helper()
		c := mcpclient.NewStreamableHTTP(mcpclient.HTTPParams{URL: server}, mcpclient.WithOAuthHandler(h))
		defer c.Close()
		if err := c.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		res, err := c.CallTool(ctx, "greet", []byte(`{"name":"mcprun"}`))
		if err != nil || res.IsError || !strings.Contains(res.Text, "mcprun") {
			t.Fatalf("greet: %v %+v", err, res)
		}
	}

	need, err := RequiresAuth(ctx, server)
	if err != nil || !need {
		t.Fatalf("RequiresAuth = %v, %v", need, err)
	}
	greet(newHandler())
	if logins.Load() != 1 {
		t.Fatalf("logins = %d, want 1", logins.Load())
	}
	rec, err := store.Load(ctx, server, nil)
	if err != nil || rec.Client == nil || rec.Token == nil {
		t.Fatalf("nothing stored: %v", err)
	}
	// A new handler (a new run) reuses the stored token.
	greet(newHandler())
	if logins.Load() != 1 {
		t.Errorf("logins = %d after reconnect, want 1", logins.Load())
	}
	// Without the token: a login with the stored registration (the TS
	// server would refuse an unknown client_id).
	rec.Token = nil
	_ = store.Save(ctx, rec)
	greet(newHandler())
	if logins.Load() != 2 {
		t.Errorf("logins = %d, want 2", logins.Load())
	}
	if rec2, _ := store.Load(ctx, server, nil); rec2 == nil || rec2.Client.ClientID != rec.Client.ClientID {
		t.Error("registered again")
	}

	// The reference flow against the same server.
	p, err := BuildOAuthParams(ctx, server, testRedirect)
	if err != nil {
		t.Fatal(err)
	}
	authURL, state, err := p.AuthURL()
	if err != nil {
		t.Fatal(err)
	}
	tok, err := p.Exchange(ctx, follow(t, authURL), state)
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewHandler(server, Config{RedirectURL: testRedirect, Fetcher: func(context.Context, *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
		return nil, errors.New("login must not run after SetToken")
	}})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.SetToken(ctx, tok, p.Registration()); err != nil {
		t.Fatal(err)
	}
	greet(h)
}
