package run

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sync"

	"github.com/mcprun/mcprun/mistral"
)

// agentLocks serialises agent updates per agent id within the process, so
// that two runs (of one Runner or of two) do not interleave their GET and
// PATCH. It is the package's one piece of shared state, on purpose: the
// agent it guards is shared by the whole process too.
var agentLocks sync.Map // agent id -> *sync.Mutex

// syncAgent updates the agent's function tools and response format before a
// run, as the reference SDK does: it keeps the agent's other tools and its
// functions the run does not define, and replaces the rest. Nothing is sent
// when the agent already matches.
func (r *Runner) syncAgent(ctx context.Context, tt *toolTable) error {
	id := r.cfg.agentID
	fp, err := fingerprint(tt.decls, r.cfg.output)
	if err != nil {
		return err
	}
	r.mu.Lock()
	same := r.agentSynced == fp
	r.mu.Unlock()
	if same {
		return nil
	}
	l, _ := agentLocks.LoadOrStore(id, &sync.Mutex{})
	mu := l.(*sync.Mutex)
	mu.Lock()
	defer mu.Unlock()

	agent, err := r.client.GetAgent(ctx, id)
	if err != nil {
		return fmt.Errorf("run: getting agent %s: %w", id, err)
	}
	ours := tt.names()
	tools := make([]mistral.Tool, 0, len(agent.Tools)+len(tt.decls))
	for _, t := range agent.Tools {
		if t.Function != nil && ours[t.Function.Name] {
			continue
		}
		tools = append(tools, t)
	}
	tools = append(tools, tt.decls...)
	var args *mistral.CompletionArgs
	if r.cfg.output != nil {
		a := mistral.CompletionArgs{}
		if agent.CompletionArgs != nil {
			a = *agent.CompletionArgs
		}
		a.ResponseFormat = r.cfg.output
		args = &a
	}
	if equalJSON(tools, agent.Tools) && (args == nil || equalJSON(args, agent.CompletionArgs)) {
		r.log.DebugContext(ctx, "agent already up to date", "agent_id", id)
	} else {
		if _, err := r.client.UpdateAgent(ctx, id, &mistral.UpdateAgentRequest{Tools: &tools, CompletionArgs: args}); err != nil {
			return fmt.Errorf("run: updating agent %s: %w", id, err)
		}
		r.log.InfoContext(ctx, "agent updated", "agent_id", id, "tools", len(tools))
	}
	r.mu.Lock()
	r.agentSynced = fp
	r.mu.Unlock()
	return nil
}

func fingerprint(v ...any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("run: %w", err)
	}
	return string(b), nil
}

// equalJSON reports whether a and b encode to the same JSON value. Objects
// compare by their members, not their bytes: the API hands a tool's
// parameters back with its own key order, and a byte comparison would
// update an agent that already matches on every run.
func equalJSON(a, b any) bool {
	x, err1 := canonicalJSON(a)
	y, err2 := canonicalJSON(b)
	return err1 == nil && err2 == nil && reflect.DeepEqual(x, y)
}

func canonicalJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}
