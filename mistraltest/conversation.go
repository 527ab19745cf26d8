package mistraltest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// conversation is a stored conversation.
type conversation struct {
	mu       sync.Mutex // serialises turns of one conversation
	id       string
	model    string
	agentID  string
	instr    string
	tools    []Tool
	format   *ResponseFormat
	created  time.Time
	entries  []map[string]json.RawMessage
	pending  []string // tool_call_ids of function calls without a result
	nTurns   int
	toolsRaw json.RawMessage
	metadata map[string]json.RawMessage // as the start request set it
}

func (s *Server) startConversation(w http.ResponseWriter, r *http.Request, body []byte) {
	req, ok := decodeRequest(w, body, startKeys)
	if !ok {
		return
	}
	c := &conversation{id: newID("conv"), created: time.Now().UTC()}
	model, agentID := str(req["model"]), str(req["agent_id"])
	switch {
	case model == "" && agentID == "":
		writeError(w, http.StatusBadRequest, "Either model or agent_id must be provided", "invalid_request_error", "3051")
		return
	case model != "" && agentID != "":
		writeError(w, http.StatusBadRequest, "Only one of model or agent_id can be provided", "invalid_request_error", "3051")
		return
	}
	tools, verr := parseTools(req["tools"], "tools")
	if verr == nil {
		c.format, verr = parseCompletionArgs(req["completion_args"])
	}
	if verr != nil {
		writeValidation(w, verr.loc, verr.msg, verr.typ)
		return
	}
	if agentID != "" {
		if len(req["tools"]) > 0 || len(req["instructions"]) > 0 || len(req["completion_args"]) > 0 {
			writeError(w, http.StatusBadRequest, "tools, instructions and completion_args cannot be set with agent_id", "invalid_request_error", "3051")
			return
		}
		s.mu.Lock()
		a, ok := s.agents[agentID]
		var agent map[string]any
		if ok {
			agent = cloneMap(a)
		}
		s.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, fmt.Sprintf("Agent %s not found", agentID), "invalid_request_error", "3000")
			return
		}
		c.agentID = agentID
		c.model, _ = agent["model"].(string)
		c.instr, _ = agent["instructions"].(string)
		raw, _ := json.Marshal(agent["tools"])
		c.tools, _ = parseTools(raw, "tools")
		rawArgs, _ := json.Marshal(agent["completion_args"])
		c.format, _ = parseCompletionArgs(rawArgs)
	} else {
		c.model, c.instr, c.tools = model, str(req["instructions"]), tools
	}
	c.toolsRaw = req["tools"]
	if m := req["metadata"]; len(m) > 0 && string(m) != "null" {
		if json.Unmarshal(m, &c.metadata) != nil {
			writeValidation(w, []any{"body", "metadata"}, "Input should be a valid dictionary", "dict_type")
			return
		}
	}
	inputs, verr := parseInputs(req["inputs"])
	if verr != nil {
		writeValidation(w, verr.loc, verr.msg, verr.typ)
		return
	}
	stream := string(req["stream"]) == "true"
	c.mu.Lock()
	defer c.mu.Unlock()
	// The conversation exists only once its first turn succeeded, as with
	// the API: turn stores it then.
	s.turn(w, r, c, inputs, stream, nil, nil)
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *conversation {
	id := r.PathValue("id")
	s.mu.Lock()
	c, ok := s.convs[id]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Conversation %s not found", id), "invalid_request_error", "3000")
	}
	return c
}

func (s *Server) appendConversation(w http.ResponseWriter, r *http.Request, body []byte) {
	req, ok := decodeRequest(w, body, appendKeys)
	if !ok {
		return
	}
	c := s.lookup(w, r)
	if c == nil {
		return
	}
	format, verr := parseCompletionArgs(req["completion_args"])
	if verr != nil {
		writeValidation(w, verr.loc, verr.msg, verr.typ)
		return
	}
	conf, verr := parseConfirmations(req["tool_confirmations"])
	if verr != nil {
		writeValidation(w, verr.loc, verr.msg, verr.typ)
		return
	}
	var inputs []map[string]json.RawMessage
	if _, ok := req["inputs"]; ok || len(conf) == 0 {
		// An append that only confirms calls may leave inputs out (the TS
		// SDK makes them optional).
		if inputs, verr = parseInputs(req["inputs"]); verr != nil {
			writeValidation(w, verr.loc, verr.msg, verr.typ)
			return
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s.turn(w, r, c, inputs, string(req["stream"]) == "true", format, conf)
}

func (s *Server) restartConversation(w http.ResponseWriter, r *http.Request, body []byte) {
	req, ok := decodeRequest(w, body, restartKeys)
	if !ok {
		return
	}
	c := s.lookup(w, r)
	if c == nil {
		return
	}
	from := str(req["from_entry_id"])
	inputs, verr := parseInputs(req["inputs"])
	if verr != nil {
		writeValidation(w, verr.loc, verr.msg, verr.typ)
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	idx := slices.IndexFunc(c.entries, func(e map[string]json.RawMessage) bool { return str(e["id"]) == from })
	if idx < 0 {
		writeError(w, http.StatusNotFound, fmt.Sprintf("Entry %s not found", from), "invalid_request_error", "3000")
		return
	}
	// A restart forks a new conversation holding the entries up to from_entry_id.
	nc := &conversation{id: newID("conv"), model: c.model, agentID: c.agentID, instr: c.instr, tools: c.tools, format: c.format, created: time.Now().UTC()}
	nc.metadata = c.metadata // the fork keeps them, unless the request sets its own
	if m := req["metadata"]; len(m) > 0 && string(m) != "null" {
		if json.Unmarshal(m, &nc.metadata) != nil {
			writeValidation(w, []any{"body", "metadata"}, "Input should be a valid dictionary", "dict_type")
			return
		}
	}
	nc.entries = append(nc.entries, c.entries[:idx+1]...)
	nc.pending = pendingCalls(nc.entries)
	nc.mu.Lock()
	defer nc.mu.Unlock()
	s.turn(w, r, nc, inputs, string(req["stream"]) == "true", nil, nil) // stores nc if the turn succeeds
}

// pendingCalls lists function calls that no function.result answers. A
// call under the API's own confirmation (confirmation_status set) is not
// the client's to answer with a result.
func pendingCalls(entries []map[string]json.RawMessage) []string {
	var p []string
	for _, e := range entries {
		switch str(e["type"]) {
		case "function.call":
			if st := str(e["confirmation_status"]); st == "" {
				p = append(p, str(e["tool_call_id"]))
			}
		case "function.result":
			p = slices.DeleteFunc(p, func(id string) bool { return id == str(e["tool_call_id"]) })
		}
	}
	return p
}

// turn applies inputs to c (locked), asks the script, and answers. A turn
// that succeeds stores c before the reply is written, so that a client
// that has read the reply can look the conversation up at once.
//
// conf are the request's tool_confirmations: every call the API holds for
// confirmation must be answered, as every pending call needs its result.
func (s *Server) turn(w http.ResponseWriter, r *http.Request, c *conversation, inputs []map[string]json.RawMessage, stream bool, format *ResponseFormat, conf map[string]string) {
	// Function results must answer pending calls, and all of them.
	pending := slices.Clone(c.pending)
	for i, e := range inputs {
		if str(e["type"]) != "function.result" {
			continue
		}
		id := str(e["tool_call_id"])
		j := slices.Index(pending, id)
		if j < 0 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("inputs[%d]: function.result tool_call_id %q does not match a pending function call", i, id), "invalid_request_error", "3051")
			return
		}
		pending = slices.Delete(pending, j, j+1)
	}
	if len(pending) > 0 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("Missing function results for tool_call_id(s): %s", strings.Join(pending, ", ")), "invalid_request_error", "3051")
		return
	}
	if err := checkConfirmations(awaitingConfirmation(c.entries), conf); err != nil {
		writeError(w, http.StatusBadRequest, err.Error(), "invalid_request_error", "3051")
		return
	}
	now := time.Now().UTC()
	stamped := make([]map[string]json.RawMessage, len(inputs))
	for i, e := range inputs {
		e = cloneRaw(e)
		e["object"] = json.RawMessage(`"entry"`)
		e["id"] = mustJSON(newID(idPrefix(str(e["type"]))))
		e["created_at"] = mustJSON(now)
		e["completed_at"] = mustJSON(now)
		stamped[i] = e
	}
	all := append(slices.Clone(c.entries), stamped...)
	applyConfirmations(all, conf)
	s.mu.Lock()
	index := s.turns
	s.turns++
	s.mu.Unlock()
	if format == nil {
		format = c.format
	}
	t := &Turn{
		ConversationID: c.id, Index: index, TurnInConversation: c.nTurns,
		Model: c.model, AgentID: c.agentID, Instructions: c.instr, Tools: c.tools,
		ResponseFormat: format, Entries: flatten(all), Inputs: flatten(stamped), Stream: stream,
		Confirmations: conf,
	}
	var reply *Reply
	var err error
	if s.script == nil {
		err = errors.New("mistraltest: the server has no Script")
	} else {
		reply, err = s.script(r.Context(), t)
	}
	if err == nil && reply == nil {
		err = fmt.Errorf("mistraltest: script returned no reply")
	}
	if err == nil && !sleep(r.Context(), reply.Delay) {
		return
	}
	if err == nil && reply.Stall {
		// Nothing is stored: the turn never completes.
		s.stall(w, r, c, reply, stream)
		return
	}
	switch {
	case err != nil:
		if stream {
			startStream(w)
			writeEvent(w, "conversation.response.error", map[string]any{"message": err.Error(), "code": 3000})
		} else {
			writeError(w, http.StatusInternalServerError, err.Error(), "internal_error", "")
		}
		return
	case reply.Status != 0:
		if reply.RetryAfter > 0 {
			w.Header().Set("Retry-After", fmt.Sprint(max(1, int(reply.RetryAfter.Round(time.Second).Seconds()))))
			if reply.RetryAfter < time.Second {
				w.Header().Set("Retry-After", fmt.Sprintf("%.3f", reply.RetryAfter.Seconds()))
			}
		}
		if reply.Consume {
			c.entries = all
		}
		if reply.ErrorBody != "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(reply.Status)
			_, _ = w.Write([]byte(reply.ErrorBody))
		} else {
			writeError(w, reply.Status, http.StatusText(reply.Status), errorType(reply.Status), "")
		}
		return
	}
	outputs := s.materialize(c, reply.Outputs)
	c.entries = append(all, outputs...)
	c.pending = pendingCalls(c.entries)
	c.nTurns++
	s.mu.Lock()
	s.convs[c.id] = c
	s.mu.Unlock()
	usage := map[string]any{"prompt_tokens": tokens(all), "completion_tokens": tokens(outputs)}
	if reply.Usage != nil {
		usage["prompt_tokens"], usage["completion_tokens"] = reply.Usage.PromptTokens, reply.Usage.CompletionTokens
	}
	usage["total_tokens"] = usage["prompt_tokens"].(int) + usage["completion_tokens"].(int)
	if stream {
		s.streamOutputs(r.Context(), w, c, outputs, usage, reply.CutAfterEvents, reply.EventDelay)
	} else {
		writeJSON(w, http.StatusOK, map[string]any{"object": "conversation.response", "conversation_id": c.id, "outputs": outputs, "usage": usage})
	}
}

func errorType(status int) string {
	switch {
	case status == 429:
		return "rate_limited"
	case status >= 500:
		return "internal_error"
	}
	return "invalid_request_error"
}

// materialize turns a script's outputs into stored entries.
func (s *Server) materialize(c *conversation, outs []Output) []map[string]json.RawMessage {
	now := time.Now().UTC()
	res := make([]map[string]json.RawMessage, 0, len(outs))
	for _, o := range outs {
		e := map[string]json.RawMessage{
			"object": mustJSON("entry"), "type": mustJSON(o.typ), "id": mustJSON(newID(idPrefix(o.typ))),
			"created_at": mustJSON(now), "completed_at": mustJSON(now),
		}
		if o.typ != "agent.handoff" {
			if c.agentID != "" {
				e["agent_id"] = mustJSON(c.agentID)
			}
			e["model"] = mustJSON(c.model)
		}
		switch o.typ {
		case "message.output":
			e["role"] = mustJSON("assistant")
			if o.chunks != nil {
				e["content"] = mustJSON(o.chunks)
			} else {
				e["content"] = mustJSON(o.text)
			}
		case "function.call":
			e["tool_call_id"] = mustJSON(newID("call")[:14])
			e["name"] = mustJSON(o.name)
			e["arguments"] = mustJSON(o.args)
			if o.pending {
				e["confirmation_status"] = mustJSON("pending")
			}
		case "tool.execution":
			e["name"] = mustJSON(o.name)
			e["arguments"] = mustJSON(o.args)
			if o.info != nil {
				e["info"] = mustJSON(o.info)
			}
		case "agent.handoff":
			e["previous_agent_id"], e["previous_agent_name"] = mustJSON(o.prevID), mustJSON(o.prevID)
			e["next_agent_id"], e["next_agent_name"] = mustJSON(o.nextID), mustJSON(o.nextID)
		}
		res = append(res, e)
	}
	return res
}

func idPrefix(typ string) string {
	switch typ {
	case "message.input", "message.output":
		return "msg"
	case "function.call":
		return "fc"
	case "function.result":
		return "fr"
	case "tool.execution":
		return "tool_exec"
	case "agent.handoff":
		return "handoff"
	}
	return "entry"
}

func tokens(entries []map[string]json.RawMessage) int {
	n := 0
	for _, e := range entries {
		n += len(e["content"]) + len(e["arguments"]) + len(e["result"])
	}
	return n/4 + 1
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func cloneRaw(m map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(m)+4)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// flatten turns wire entries into Entry values.
func flatten(entries []map[string]json.RawMessage) []Entry {
	out := make([]Entry, len(entries))
	for i, e := range entries {
		raw, _ := json.Marshal(e)
		out[i] = Entry{
			Type: str(e["type"]), ID: str(e["id"]), Role: str(e["role"]), Content: chunkText(e["content"]),
			ToolCallID: str(e["tool_call_id"]), Name: str(e["name"]), Arguments: str(e["arguments"]),
			Result: str(e["result"]), ConfirmationStatus: str(e["confirmation_status"]), Raw: raw,
		}
	}
	return out
}

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request, _ []byte) {
	c := s.lookup(w, r)
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	writeJSON(w, http.StatusOK, s.convJSON(c))
}

func (s *Server) convJSON(c *conversation) map[string]any {
	m := map[string]any{"object": "conversation", "id": c.id, "created_at": c.created, "updated_at": c.created}
	if c.metadata != nil {
		m["metadata"] = c.metadata
	}
	if c.agentID != "" {
		m["agent_id"] = c.agentID
	} else {
		m["model"] = c.model
		m["instructions"] = c.instr
		if len(c.toolsRaw) > 0 {
			m["tools"] = c.toolsRaw
		}
	}
	return m
}

// listConversations answers a page (page from 0, page_size 100 by
// default) of the conversations, newest first; metadata (a JSON object)
// keeps those whose metadata has each of its members.
func (s *Server) listConversations(w http.ResponseWriter, r *http.Request, _ []byte) {
	q := r.URL.Query()
	page, size := 0, 100
	for name, v := range map[string]*int{"page": &page, "page_size": &size} {
		if t := q.Get(name); t != "" {
			n, err := strconv.Atoi(t)
			if err != nil || n < 0 {
				writeValidation(w, []any{"query", name}, "Input should be a valid integer", "int_parsing")
				return
			}
			*v = n
		}
	}
	var want map[string]json.RawMessage
	if t := q.Get("metadata"); t != "" {
		if json.Unmarshal([]byte(t), &want) != nil {
			writeValidation(w, []any{"query", "metadata"}, "Input should be a valid dictionary", "dict_type")
			return
		}
	}
	s.mu.Lock()
	convs := make([]*conversation, 0, len(s.convs))
	for _, c := range s.convs {
		convs = append(convs, c)
	}
	s.mu.Unlock()
	slices.SortFunc(convs, func(a, b *conversation) int { return b.created.Compare(a.created) })
	out := make([]map[string]any, 0, len(convs))
	for _, c := range convs {
		c.mu.Lock()
		if hasMembers(c.metadata, want) {
			out = append(out, s.convJSON(c))
		}
		c.mu.Unlock()
	}
	from := min(page*size, len(out))
	writeJSON(w, http.StatusOK, out[from:min(from+size, len(out))])
}

// hasMembers reports whether have holds each member of want, with an equal
// value.
func hasMembers(have, want map[string]json.RawMessage) bool {
	for k, v := range want {
		h, ok := have[k]
		if !ok {
			return false
		}
		var a, b any
		if json.Unmarshal(h, &a) != nil || json.Unmarshal(v, &b) != nil || !reflect.DeepEqual(a, b) {
			return false
		}
	}
	return true
}

func (s *Server) getHistory(w http.ResponseWriter, r *http.Request, _ []byte) {
	c := s.lookup(w, r)
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"object": "conversation.history", "conversation_id": c.id, "entries": c.entries})
}

func (s *Server) getMessages(w http.ResponseWriter, r *http.Request, _ []byte) {
	c := s.lookup(w, r)
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var msgs []map[string]json.RawMessage
	for _, e := range c.entries {
		if t := str(e["type"]); t == "message.input" || t == "message.output" {
			msgs = append(msgs, e)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"object": "conversation.messages", "conversation_id": c.id, "messages": msgs})
}
