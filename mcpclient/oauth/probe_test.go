package oauth

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Only http and https URLs with a host are probed; https is one of them.
func TestRequiresAuthURLSchemes(t *testing.T) {
	ctx := ctxT(t)
	for _, u := range []string{"ftp://127.0.0.1/mcp", "file:///mcp", "http:///mcp", "127.0.0.1/mcp", "://x"} {
		var se *StepError
		if _, err := RequiresAuth(ctx, u); !errors.As(err, &se) || se.Step != "probe" || !strings.Contains(err.Error(), "invalid server URL") {
			t.Errorf("RequiresAuth(%q) = %v, want an invalid server URL probe error", u, err)
		}
	}
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer resource_metadata="`+"https://"+r.Host+`/.well-known/oauth-protected-resource"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer tls.Close()
	need, err := RequiresAuth(ctx, tls.URL+"/mcp", WithHTTPClient(tls.Client()))
	if err != nil || !need {
		t.Fatalf("RequiresAuth(https) = %v, %v", need, err)
	}
}

// probeServer refuses the GET probe with getStatus and answers a proper
// initialize POST with postStatus; it records every request.
type probeServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []probeRequest
}

type probeRequest struct {
	method, accept, contentType, session, body string
}

func newProbeServer(t *testing.T, handle func(w http.ResponseWriter, r *http.Request, body string)) *probeServer {
	t.Helper()
	s := &probeServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.reqs = append(s.reqs, probeRequest{r.Method, r.Header.Get("Accept"), r.Header.Get("Content-Type"), r.Header.Get("Mcp-Session-Id"), string(b)})
		s.mu.Unlock()
		handle(w, r, string(b))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *probeServer) requests() []probeRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]probeRequest(nil), s.reqs...)
}

// A server that refuses the event-stream GET is asked with an MCP
// initialize POST, and its 401 there counts; the GET asks for an event
// stream and carries no body, the POST is JSON.
func TestRequiresAuthFallsBackToPost(t *testing.T) {
	ctx := ctxT(t)
	for _, getStatus := range []int{http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotAcceptable} {
		s := newProbeServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
			if r.Method == http.MethodGet {
				w.WriteHeader(getStatus)
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer scope="a b"`)
			w.WriteHeader(http.StatusUnauthorized)
		})
		need, err := RequiresAuth(ctx, s.URL+"/mcp")
		if err != nil || !need {
			t.Fatalf("GET %d then POST 401: RequiresAuth = %v, %v", getStatus, need, err)
		}
		reqs := s.requests()
		if len(reqs) != 2 {
			t.Fatalf("GET %d: %d requests, want GET then POST", getStatus, len(reqs))
		}
		if g := reqs[0]; g.method != "GET" || g.accept != "text/event-stream" || g.body != "" || g.contentType != "" {
			t.Errorf("GET probe %+v", g)
		}
		if p := reqs[1]; p.method != "POST" || p.contentType != "application/json" || p.accept != "application/json, text/event-stream" || !strings.Contains(p.body, `"method":"initialize"`) {
			t.Errorf("POST probe %+v", p)
		}
	}
	// A 403 that is not insufficient_scope does not ask for authorization.
	s := newProbeServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		w.WriteHeader(http.StatusForbidden)
	})
	if need, err := RequiresAuth(ctx, s.URL); err != nil || need {
		t.Errorf("403 invalid_token: RequiresAuth = %v, %v", need, err)
	}
	s = newProbeServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
		w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="more"`)
		w.WriteHeader(http.StatusForbidden)
	})
	if need, err := RequiresAuth(ctx, s.URL); err != nil || !need {
		t.Errorf("403 insufficient_scope: RequiresAuth = %v, %v", need, err)
	}
}

// An MCP session that the initialize probe opened is deleted, only when
// the POST succeeded; a DELETE that fails does not fail the probe.
func TestRequiresAuthDeletesProbeSession(t *testing.T) {
	ctx := ctxT(t)
	for _, tc := range []struct {
		name       string
		postStatus int
		dropDelete bool
		wantDelete bool
	}{
		{"200 with a session", http.StatusOK, false, true},
		{"299 with a session", 299, false, true},
		{"300 with a session", http.StatusMultipleChoices, false, false},
		{"the DELETE fails", http.StatusOK, true, true},
	} {
		s := newProbeServer(t, func(w http.ResponseWriter, r *http.Request, body string) {
			switch r.Method {
			case http.MethodGet:
				w.WriteHeader(http.StatusMethodNotAllowed)
			case http.MethodPost:
				w.Header().Set("Mcp-Session-Id", "probe-session")
				w.WriteHeader(tc.postStatus)
			case http.MethodDelete:
				if tc.dropDelete {
					conn, _, err := w.(http.Hijacker).Hijack()
					if err == nil {
						conn.Close()
					}
					return
				}
				w.WriteHeader(http.StatusNoContent)
			}
		})
		need, err := RequiresAuth(ctx, s.URL)
		if err != nil || need {
			t.Errorf("%s: RequiresAuth = %v, %v", tc.name, need, err)
		}
		deleted := false
		for _, r := range s.requests() {
			if r.method == http.MethodDelete {
				deleted = true
				if r.session != "probe-session" {
					t.Errorf("%s: DELETE for session %q", tc.name, r.session)
				}
			}
		}
		if deleted != tc.wantDelete {
			t.Errorf("%s: session deleted %v, want %v", tc.name, deleted, tc.wantDelete)
		}
	}
}
