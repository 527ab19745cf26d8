package mistraltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Server is a running fake Mistral API on 127.0.0.1, like httptest.Server.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:PORT; give it to
	// mistral.WithServerURL.
	URL string

	script    Script
	apiKey    string
	noAuth    bool
	deltaSize int
	log       *slog.Logger
	ts        *httptest.Server
	mux       *http.ServeMux

	mu       sync.Mutex
	convs    map[string]*conversation
	agents   map[string]map[string]any
	files    map[string]*file
	requests []Request
	turns    int
}

// Request is a request the server received, for assertions.
type Request struct {
	Method string
	Path   string
	Body   json.RawMessage
	Header http.Header // without Authorization
}

// Option configures a Server. Each option checks its argument; since
// NewServer, like httptest.NewServer, returns no error, an invalid option
// makes it panic with a message naming the option (a test's set-up bug).
type Option func(*options) error

// options is what the Options set; its zero value is every default.
type options struct {
	apiKey    string
	noAuth    bool
	deltaSize int
	log       *slog.Logger
}

// WithAPIKey requires this exact bearer key (401 otherwise). By default any
// non-empty bearer token is accepted. An empty key is invalid.
func WithAPIKey(key string) Option {
	return func(o *options) error {
		if key == "" {
			return errors.New("WithAPIKey: empty key")
		}
		o.apiKey = key
		return nil
	}
}

// WithoutAuth accepts requests without an Authorization header. By default a
// bearer token (any) is required, as the real API does. It contradicts
// WithAPIKey: giving both panics.
func WithoutAuth() Option {
	return func(o *options) error {
		o.noAuth = true
		return nil
	}
}

// WithLogger logs each request at Debug (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return errors.New("WithLogger: nil logger")
		}
		o.log = l
		return nil
	}
}

// WithDeltaSize sets how many characters each streamed delta carries
// (default 8); it must be positive.
func WithDeltaSize(n int) Option {
	return func(o *options) error {
		if n <= 0 {
			return fmt.Errorf("WithDeltaSize: size must be positive, got %d", n)
		}
		o.deltaSize = n
		return nil
	}
}

// NewServer starts a server on 127.0.0.1 with a random port. script plays
// the model; a nil script answers every model turn with an error (a 500, or
// a conversation.response.error event), for tests of agents and files only.
// NewServer panics if an option is invalid (see Option).
func NewServer(script Script, opts ...Option) *Server {
	s := NewUnstartedServer(script, opts...)
	s.Start()
	return s
}

// NewUnstartedServer returns a server that Start starts, or whose Handler
// another listener serves (as `mcprun mock-server` does). It panics if an
// option is invalid (see Option).
func NewUnstartedServer(script Script, opts ...Option) *Server {
	var o options
	for _, opt := range opts {
		if opt == nil {
			panic("mistraltest: NewServer: nil Option")
		}
		if err := opt(&o); err != nil {
			panic("mistraltest: NewServer: " + err.Error())
		}
	}
	if o.noAuth && o.apiKey != "" {
		panic("mistraltest: NewServer: WithAPIKey and WithoutAuth contradict each other")
	}
	s := &Server{
		script:    script,
		apiKey:    o.apiKey,
		noAuth:    o.noAuth,
		deltaSize: 8,
		log:       slog.New(slog.DiscardHandler),
		convs:     map[string]*conversation{},
		agents:    map[string]map[string]any{},
		files:     map[string]*file{},
	}
	if o.deltaSize != 0 {
		s.deltaSize = o.deltaSize
	}
	if o.log != nil {
		s.log = o.log
	}
	s.routes()
	s.ts = httptest.NewUnstartedServer(s.mux)
	return s
}

// Start starts the server on 127.0.0.1 and sets URL.
func (s *Server) Start() {
	s.ts.Start()
	s.URL = s.ts.URL
}

// Close closes the listener and every open connection, and waits for the handlers.
func (s *Server) Close() {
	s.ts.CloseClientConnections()
	s.ts.Close()
}

// Handler serves the API, for use with another listener.
func (s *Server) Handler() http.Handler { return s.mux }

// Requests returns every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Conversation returns a stored conversation's entries.
func (s *Server) Conversation(id string) ([]Entry, bool) {
	s.mu.Lock()
	c, ok := s.convs[id]
	s.mu.Unlock()
	if !ok {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return flatten(c.entries), true
}

// AddFile stores a file, served at /v1/files/{id} and /v1/files/{id}/content,
// and returns its id (use it in a tool_file chunk).
func (s *Server) AddFile(name, mimeType string, data []byte) string {
	id := newID("file")
	s.mu.Lock()
	s.files[id] = &file{name: name, mime: mimeType, data: append([]byte(nil), data...), created: time.Now().Unix()}
	s.mu.Unlock()
	return id
}

type file struct {
	name, mime string
	data       []byte
	created    int64
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("POST /v1/conversations", s.auth(s.startConversation))
	m.HandleFunc("GET /v1/conversations", s.auth(s.listConversations))
	m.HandleFunc("POST /v1/conversations/{id}", s.auth(s.appendConversation))
	m.HandleFunc("POST /v1/conversations/{id}/restart", s.auth(s.restartConversation))
	m.HandleFunc("GET /v1/conversations/{id}", s.auth(s.getConversation))
	m.HandleFunc("GET /v1/conversations/{id}/history", s.auth(s.getHistory))
	m.HandleFunc("GET /v1/conversations/{id}/messages", s.auth(s.getMessages))
	m.HandleFunc("POST /v1/agents", s.auth(s.createAgent))
	m.HandleFunc("GET /v1/agents", s.auth(s.listAgents))
	m.HandleFunc("GET /v1/agents/pages", s.auth(s.listAgentPages))
	m.HandleFunc("GET /v1/agents/{id}", s.auth(s.getAgent))
	m.HandleFunc("PATCH /v1/agents/{id}", s.auth(s.updateAgent))
	m.HandleFunc("GET /v1/files/{id}", s.auth(s.getFile))
	m.HandleFunc("GET /v1/files/{id}/content", s.auth(s.getFileContent))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Not Found", "not_found", "")
	})
	s.mux = m
}

// auth checks the bearer key and records the request.
func (s *Server) auth(h func(http.ResponseWriter, *http.Request, []byte)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Body != nil {
			body, _ = readAll(r.Body, 32<<20)
		}
		hdr := r.Header.Clone()
		hdr.Del("Authorization")
		s.mu.Lock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Body: append(json.RawMessage(nil), body...), Header: hdr})
		s.mu.Unlock()
		s.log.Debug("mistraltest: request", "method", r.Method, "path", r.URL.Path)
		if !s.noAuth {
			tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || tok == "" || (s.apiKey != "" && tok != s.apiKey) {
				writeError(w, http.StatusUnauthorized, "Unauthorized", "unauthorized", "")
				return
			}
		}
		h(w, r, body)
	}
}

// writeError writes the API's error shape.
func writeError(w http.ResponseWriter, status int, msg, typ, code string) {
	var c any
	if code != "" {
		c = code
	}
	writeJSON(w, status, map[string]any{"object": "error", "message": msg, "type": typ, "param": nil, "code": c})
}

// writeValidation writes a 422 shaped as the API's request-validation errors.
func writeValidation(w http.ResponseWriter, loc []any, msg, typ string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
		"object": "error",
		"message": map[string]any{"detail": []any{map[string]any{
			"type": typ, "loc": append([]any{"body"}, loc...), "msg": msg,
		}}},
		"type": "invalid_request_message_error", "param": nil, "code": nil,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-request-id", newID("req"))
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func newID(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}

func readAll(r interface{ Read([]byte) (int, error) }, limit int) ([]byte, error) {
	var out []byte
	buf := make([]byte, 32<<10)
	for len(out) <= limit {
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return out, nil
		}
	}
	return out, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
