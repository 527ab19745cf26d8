package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// m2mServer is an MCP server behind a bearer-token check and a minimal
// authorization server that grants client_credentials to one client.
func m2mServer(t *testing.T, clientID, secret string) (mcpURL string, grants *atomic.Int32) {
	grants = &atomic.Int32{}
	as := httptest.NewServer(nil)
	t.Cleanup(as.Close)
	asMux := http.NewServeMux()
	asMux.HandleFunc("/.well-known/oauth-authorization-server", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{
			"issuer": as.URL, "token_endpoint": as.URL + "/token", "authorization_endpoint": as.URL + "/authorize",
			"response_types_supported": []string{"code"}, "grant_types_supported": []string{"client_credentials"},
			"token_endpoint_auth_methods_supported": []string{"client_secret_basic"}, "code_challenge_methods_supported": []string{"S256"},
		})
	})
	asMux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		id, sec, ok := r.BasicAuth()
		if r.ParseForm() != nil || !ok || id != clientID || sec != secret || r.Form.Get("grant_type") != "client_credentials" {
			w.WriteHeader(http.StatusUnauthorized)
			writeJSON(w, map[string]string{"error": "invalid_client"})
			return
		}
		grants.Add(1)
		writeJSON(w, map[string]any{"access_token": "m2m-token", "token_type": "Bearer", "expires_in": 3600})
	})
	as.Config.Handler = asMux

	srv := mcp.NewServer(&mcp.Implementation{Name: "protected", Version: "1"}, nil)
	mcp.AddTool(srv, &mcp.Tool{Name: "whoami"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "a machine"}}}, nil, nil
	})
	ms := httptest.NewServer(nil)
	t.Cleanup(ms.Close)
	verify := func(ctx context.Context, token string, r *http.Request) (*auth.TokenInfo, error) {
		if token != "m2m-token" {
			return nil, auth.ErrInvalidToken
		}
		return &auth.TokenInfo{Expiration: time.Now().Add(time.Hour)}, nil
	}
	prm := ms.URL + "/.well-known/oauth-protected-resource/mcp"
	msMux := http.NewServeMux()
	msMux.HandleFunc("/.well-known/oauth-protected-resource/mcp", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"resource": ms.URL + "/mcp", "authorization_servers": []string{as.URL}})
	})
	msMux.Handle("/mcp", auth.RequireBearerToken(verify, &auth.RequireBearerTokenOptions{ResourceMetadataURL: prm})(
		mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)))
	ms.Config.Handler = msMux
	return ms.URL + "/mcp", grants
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func TestConfigClientCredentials(t *testing.T) {
	url, grants := m2mServer(t, "robot", "s3cret-value")
	cfg := filepath.Join(t.TempDir(), "mcprun.json")
	os.WriteFile(cfg, []byte(`{"mcpServers": {"protected": {"type": "http", "url": "`+url+`",
		"oauth": {"clientId": "robot", "clientSecret": "${env:ROBOT_SECRET}"}}}}`), 0o600)
	noBrowser := func(context.Context, string) error { return errors.New("no browser login expected") }

	env := map[string]string{"ROBOT_SECRET": "s3cret-value"}
	code, stdout, stderr := cliWith(t, env, noBrowser, "call", "--config", cfg, "protected", "whoami")
	if code != 0 || strings.TrimSpace(stdout) != "a machine" || grants.Load() != 1 {
		t.Fatalf("exit %d %q %q, %d grants", code, stdout, stderr, grants.Load())
	}
	env["ROBOT_SECRET"] = "wrong"
	code, _, stderr = cliWith(t, env, noBrowser, "call", "--config", cfg, "protected", "whoami")
	if code != 1 || strings.Contains(stderr, "wrong") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("bad secret: exit %d %q", code, stderr)
	}
	if !strings.Contains(stderr, "invalid_client") {
		t.Fatalf("the error does not say why: %q", stderr)
	}
}
