package mistraltest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (s *Server) createAgent(w http.ResponseWriter, r *http.Request, body []byte) {
	req, ok := decodeRequest(w, body, agentKeys)
	if !ok {
		return
	}
	for _, k := range []string{"model", "name"} {
		if str(req[k]) == "" {
			writeValidation(w, []any{k}, "Field required", "missing")
			return
		}
	}
	if !validAgentBody(w, req) {
		return
	}
	now := time.Now().UTC()
	a := map[string]any{
		"object": "agent", "id": newID("ag"), "version": 0, "versions": []int{0},
		"created_at": now, "updated_at": now, "deployment_chat": false, "source": "api",
		"tools": []any{}, "completion_args": map[string]any{},
	}
	for k, v := range req {
		var x any
		_ = json.Unmarshal(v, &x)
		a[k] = x
	}
	s.mu.Lock()
	s.agents[a["id"].(string)] = a
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) getAgent(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	a, ok := s.agents[r.PathValue("id")]
	if ok {
		a = cloneMap(a)
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Agent %s not found", r.PathValue("id")), "invalid_request_error", "3000")
		return
	}
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) listAgents(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	out := make([]map[string]any, 0, len(s.agents))
	for _, a := range s.agents {
		out = append(out, cloneMap(a))
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b map[string]any) int { return a["created_at"].(time.Time).Compare(b["created_at"].(time.Time)) })
	writeJSON(w, http.StatusOK, out)
}

// listAgentPages is GET /v1/agents/pages, the current listing: page_size
// (default 20) agents from the opaque page_token on, oldest first, and the
// next page's token while there are more.
func (s *Server) listAgentPages(w http.ResponseWriter, r *http.Request, _ []byte) {
	size, start := 20, 0
	if v := r.URL.Query().Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeError(w, http.StatusUnprocessableEntity, "page_size must be an integer from 1 to 1000", "invalid_request_error", "")
			return
		}
		size = n
	}
	if v := r.URL.Query().Get("page_token"); v != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(v, "after-"))
		if err != nil || !strings.HasPrefix(v, "after-") || n < 0 {
			writeError(w, http.StatusBadRequest, "invalid page_token", "invalid_request_error", "")
			return
		}
		start = n
	}
	s.mu.Lock()
	all := make([]map[string]any, 0, len(s.agents))
	for _, a := range s.agents {
		all = append(all, cloneMap(a))
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b map[string]any) int { return a["created_at"].(time.Time).Compare(b["created_at"].(time.Time)) })
	page := map[string]any{"object": "list", "data": []map[string]any{}}
	if start < len(all) {
		end := min(start+size, len(all))
		page["data"] = all[start:end]
		if end < len(all) {
			page["next_page_token"] = "after-" + strconv.Itoa(end)
		}
	}
	writeJSON(w, http.StatusOK, page)
}

func (s *Server) updateAgent(w http.ResponseWriter, r *http.Request, body []byte) {
	req, ok := decodeRequest(w, body, agentKeys)
	if !ok {
		return
	}
	if !validAgentBody(w, req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.agents[r.PathValue("id")]
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Agent %s not found", r.PathValue("id")), "invalid_request_error", "3000")
		return
	}
	a = cloneMap(a)
	for k, v := range req {
		var x any
		_ = json.Unmarshal(v, &x)
		a[k] = x
	}
	v := a["version"].(int) + 1
	a["version"] = v
	a["versions"] = append(slices.Clone(a["versions"].([]int)), v)
	a["updated_at"] = time.Now().UTC()
	s.agents[a["id"].(string)] = a
	writeJSON(w, http.StatusOK, a)
}

func (s *Server) getFile(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	f, ok := s.files[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "File not found", "invalid_request_error", "")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"id": r.PathValue("id"), "object": "file", "bytes": len(f.data), "created_at": f.created,
		"filename": f.name, "purpose": "ocr", "sample_type": "ocr_input", "source": "mistral",
		"mimetype": f.mime, "deleted": false,
	})
}

func (s *Server) getFileContent(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	f, ok := s.files[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "File not found", "invalid_request_error", "")
		return
	}
	w.Header().Set("Content-Type", f.mime)
	_, _ = w.Write(f.data)
}

// validAgentBody checks an agent's tools and completion args, as create and
// update take them, answering the API's 422 if they are invalid.
func validAgentBody(w http.ResponseWriter, req map[string]json.RawMessage) bool {
	if _, err := parseTools(req["tools"], "tools"); err != nil {
		writeValidation(w, err.loc, err.msg, err.typ)
		return false
	}
	if _, err := parseCompletionArgs(req["completion_args"]); err != nil {
		writeValidation(w, err.loc, err.msg, err.typ)
		return false
	}
	return true
}
