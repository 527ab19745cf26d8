package mistraltest

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

func startStream(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
}

// writeEvent writes one event: "event: <type>" and the data, which carries
// the same type, as the API does.
func writeEvent(w http.ResponseWriter, typ string, data map[string]any) {
	data["type"] = typ
	if _, ok := data["created_at"]; !ok {
		data["created_at"] = time.Now().UTC()
	}
	b, _ := json.Marshal(data)
	_, _ = w.Write([]byte("event: " + typ + "\ndata: "))
	_, _ = w.Write(b)
	_, _ = w.Write([]byte("\n\n"))
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

// streamOutputs streams outputs as the API does: started, deltas per output
// (indexed by output_index), done with usage. cut > 0 stops after that many
// events, as if the connection dropped.
func (s *Server) streamOutputs(ctx context.Context, w http.ResponseWriter, c *conversation, outputs []map[string]json.RawMessage, usage map[string]any, cut int, pause time.Duration) {
	startStream(w)
	n := 0
	emit := func(typ string, data map[string]any) bool {
		if cut > 0 && n >= cut {
			return false
		}
		if n > 0 && !sleep(ctx, pause) {
			return false
		}
		writeEvent(w, typ, data)
		n++
		return true
	}
	if !emit("conversation.response.started", map[string]any{"conversation_id": c.id}) {
		return
	}
	for i, e := range outputs {
		id := str(e["id"])
		base := func() map[string]any {
			m := map[string]any{"output_index": i, "id": id}
			if a := str(e["agent_id"]); a != "" {
				m["agent_id"] = a
			}
			if md := str(e["model"]); md != "" {
				m["model"] = md
			}
			return m
		}
		switch str(e["type"]) {
		case "message.output":
			var text string
			if json.Unmarshal(e["content"], &text) == nil {
				for j, part := range split(text, s.deltaSize) {
					m := base()
					m["content_index"], m["role"], m["content"] = 0, "assistant", part
					_ = j
					if !emit("message.output.delta", m) {
						return
					}
				}
				continue
			}
			var chunks []json.RawMessage
			_ = json.Unmarshal(e["content"], &chunks)
			for j, ch := range chunks {
				m := base()
				m["content_index"], m["role"], m["content"] = j, "assistant", ch
				if !emit("message.output.delta", m) {
					return
				}
			}
		case "function.call":
			for j, part := range split(str(e["arguments"]), s.deltaSize) {
				m := base()
				m["name"], m["tool_call_id"], m["arguments"] = "", "", part
				if j == 0 {
					m["name"], m["tool_call_id"] = str(e["name"]), str(e["tool_call_id"])
					if st := str(e["confirmation_status"]); st != "" {
						m["confirmation_status"] = st // a call the API holds (TS SDK FunctionCallEvent)
					}
				}
				if !emit("function.call.delta", m) {
					return
				}
			}
		case "tool.execution":
			m := base()
			m["name"], m["arguments"] = str(e["name"]), str(e["arguments"])
			if !emit("tool.execution.started", m) {
				return
			}
			d := map[string]any{"output_index": i, "id": id, "name": str(e["name"])}
			var info map[string]any
			if json.Unmarshal(e["info"], &info) == nil {
				d["info"] = info
			}
			if !emit("tool.execution.done", d) {
				return
			}
		case "agent.handoff":
			if !emit("agent.handoff.started", map[string]any{"output_index": i, "id": id, "previous_agent_id": str(e["previous_agent_id"]), "previous_agent_name": str(e["previous_agent_name"])}) {
				return
			}
			if !emit("agent.handoff.done", map[string]any{"output_index": i, "id": id, "next_agent_id": str(e["next_agent_id"]), "next_agent_name": str(e["next_agent_name"])}) {
				return
			}
		}
	}
	emit("conversation.response.done", map[string]any{"usage": usage})
}

// stall holds a turn that never completes: for a streaming request with
// StallAfterEvents, those events are sent first; then nothing until the
// client goes away (or Close).
func (s *Server) stall(w http.ResponseWriter, r *http.Request, c *conversation, reply *Reply, stream bool) {
	if n := reply.StallAfterEvents; n > 0 && stream {
		outputs := s.materialize(c, reply.Outputs)
		s.streamOutputs(r.Context(), w, c, outputs, map[string]any{}, n, 0)
	}
	<-r.Context().Done()
}

// split cuts s into pieces of n runes (one empty piece for an empty s).
func split(s string, n int) []string {
	r := []rune(s)
	if len(r) == 0 {
		return []string{""}
	}
	var out []string
	for len(r) > 0 {
		k := min(n, len(r))
		out = append(out, string(r[:k]))
		r = r[k:]
	}
	return out
}
