package run

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mistral"
)

// Settings are what a run decides with apart from its tools: the model or
// agent, what is sent with each turn, and how the loop behaves. They
// marshal to JSON, so that a durable run (the nested module
// github.com/mcprun/mcprun/temporal) carries them in its workflow input.
// [Runner.Settings] returns a Runner's.
type Settings struct {
	// Model or AgentID, exactly one: what answers (WithModel, WithAgent).
	Model   string `json:"model,omitempty"`
	AgentID string `json:"agent_id,omitempty"`
	// Instructions and CompletionArgs start a model run's conversation (an agent has its own).
	Instructions   string                  `json:"instructions,omitempty"`
	CompletionArgs *mistral.CompletionArgs `json:"completion_args,omitempty"`
	// Tools are declared beside the function tools (built-in connectors).
	Tools []mistral.Tool `json:"tools,omitempty"`
	// Output is the structured output's response format; the loop checks
	// the answer against its schema (an [*OutputError] if it does not match).
	Output *mistral.ResponseFormat `json:"output,omitempty"`
	// Store is the conversation's store flag (nil: the API's default).
	Store *bool `json:"store,omitempty"`
	// MaxTurns bounds the model turns (0: DefaultMaxTurns).
	MaxTurns int `json:"max_turns,omitempty"`
	// ContinueOnError sends a failing tool's error to the model instead of
	// stopping the run with a [*ToolError].
	ContinueOnError bool `json:"continue_on_error,omitempty"`
	// Approver says that the Steps put calls waiting for a decision to an
	// approver (CallBatch.Ask, and at execution); without one such calls
	// stop the run with a [*DeferredError].
	Approver bool `json:"approver,omitempty"`
}

func (s Settings) check() error {
	switch {
	case s.Model != "" && s.AgentID != "":
		return errors.New("run: set a model or an agent, not both")
	case s.Model == "" && s.AgentID == "":
		return errors.New("run: set a model (WithModel) or an agent (WithAgent)")
	case s.MaxTurns < 0:
		return errors.New("run: max turns must be at least 1")
	}
	return nil
}

// Settings returns the Runner's settings, as [Loop] takes them.
func (r *Runner) Settings() Settings {
	c := &r.cfg
	return Settings{
		Model: c.model, AgentID: c.agentID, Instructions: c.instructions,
		CompletionArgs: c.completionArgs, Tools: c.tools, Output: c.output, Store: c.store,
		MaxTurns: c.maxTurns, ContinueOnError: c.continueOnError, Approver: c.approve != nil,
	}
}

// Steps are the I/O of a run: [Loop] makes every decision (what to send
// next, which calls to execute, when the run is done, its result) and calls
// Steps for the rest. The Runner's own Steps ([Runner.Steps]) do the I/O in
// process; a durable run implements them as workflow activities, so that
// both share one loop. Loop calls them one at a time.
type Steps interface {
	// ListTools returns the function tools the run declares now.
	ListTools(ctx context.Context) (*ToolList, error)
	// History returns the entries of a conversation (to find the calls it
	// awaits answers to).
	History(ctx context.Context, conversationID string) (mistral.Entries, error)
	// Turn sends one model turn: t.Start without a conversation, t.Append
	// with one. On failure it returns what it got so far (the conversation
	// id, entries) together with the error.
	Turn(ctx context.Context, t *Turn) (*TurnOutput, error)
	// Execute answers the calls of one turn: it reports b.Events, puts b.Ask
	// to the approver and runs b.Calls (concurrently if it likes), and
	// returns an outcome per call, in order. An error (not a tool's failure:
	// the run itself stopped) ends the run.
	Execute(ctx context.Context, b *CallBatch) (*CallResults, error)
}

// A ToolList is the function tools of a run, as [Steps.ListTools] gives
// them.
type ToolList struct {
	Tools []ToolInfo `json:"tools,omitempty"`
	// Refresh asks for the list again after each turn that ran tools (MCP
	// servers may change their tools).
	Refresh bool `json:"refresh,omitempty"`

	// specs is what the loop derives from Tools, made once by a Runner's
	// tool table and reused while Tools is still that table's (base).
	specs *toolSpecs
	base  *ToolInfo
}

// A ToolInfo describes one function tool: its declaration and what the loop
// needs to decide about its calls.
type ToolInfo struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
	// Server is the MCP client's name; "" for a Go function.
	Server string `json:"server,omitempty"`
	// MCPName is the MCP tool's own name (Name may carry a prefix).
	MCPName     string               `json:"mcp_name,omitempty"`
	Annotations *mcp.ToolAnnotations `json:"annotations,omitempty"`
	// Confirm: calls wait for a decision (RequireConfirmation).
	Confirm bool `json:"confirm,omitempty"`
}

// fingerprint identifies a local tool: where it comes from and its
// parameters.
func (t ToolInfo) fingerprint() string {
	h := sha256.New()
	if t.Server == "" {
		h.Write([]byte("func\x00"))
	} else {
		h.Write([]byte("mcp\x00" + t.Server + "\x00" + t.MCPName + "\x00"))
	}
	h.Write(t.Parameters)
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// A Turn is one model request.
type Turn struct {
	Number         int    `json:"number"`
	ConversationID string `json:"conversation_id,omitempty"`
	// Start starts the conversation (ConversationID is ""); Append
	// continues it.
	Start  *mistral.ConversationRequest `json:"start,omitempty"`
	Append *mistral.AppendRequest       `json:"append,omitempty"`
}

// A TurnOutput is what a model turn produced.
type TurnOutput struct {
	ConversationID string          `json:"conversation_id,omitempty"`
	Outputs        mistral.Entries `json:"outputs,omitempty"`
	Usage          mistral.Usage   `json:"usage"`
}

// A CallBatch is the calls of one turn (Turn 0: the calls a continued
// conversation awaited), as [Loop] hands them to [Steps.Execute].
type CallBatch struct {
	Turn int
	// Events are reported first, in order: calls waiting for a decision
	// (*ConfirmationRequiredEvent), results decided without running
	// (*FunctionResultEvent of a denial).
	Events []mistral.Event
	// Ask are calls the API holds for confirmation: the approver allows or
	// denies each (only with Settings.Approver).
	Ask []*mistral.FunctionCallEntry
	// Calls are executed; Approved[i] tells that Calls[i] was decided
	// already, so that the approver is not asked again.
	Calls    []*mistral.FunctionCallEntry
	Approved []bool
}

// CallResults answer a [CallBatch].
type CallResults struct {
	Allowed  []bool        // one per Ask
	Outcomes []CallOutcome // one per Calls
}

// A CallOutcome is how one executed call ended.
type CallOutcome struct {
	Text string // the result the model reads (also a denial's text)
	Err  error  // the call failed
	// Fatal: the failure stops the run even with continue-on-error.
	Fatal bool
	// Cancelled: Err is the run's own cancellation, not the tool's failure.
	Cancelled bool
}

// Loop runs a conversation to its final answer as [Runner.Run] does, with
// its I/O done by steps: it is the one loop of every run, in process or
// durable. It is deterministic apart from steps (no goroutines, clocks or
// randomness), so that a workflow replays it. Invalid settings or call
// options give nil and the error; otherwise the Result comes back, as
// Runner.Run returns it.
func Loop(ctx context.Context, s Settings, steps Steps, inputs mistral.Inputs, opts ...CallOption) (*Result, error) {
	call, err := callConfig(opts)
	if err != nil {
		return nil, err
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	res := &Result{ConversationID: call.conversationID}
	if !inputs.IsZero() {
		res.InputEntries = inputEntries(inputs)
	}
	return res, runLoop(ctx, s, steps, res, inputs, call)
}

// toolSpecs is the tools of a run as the loop sees them.
type toolSpecs struct {
	decls  []mistral.Tool
	byName map[string]ToolInfo
}

func newToolSpecs(l *ToolList) (*toolSpecs, error) {
	if l != nil && l.specs != nil && len(l.Tools) == len(l.specs.decls) && len(l.Tools) > 0 && &l.Tools[0] == l.base {
		return l.specs, nil
	}
	t := &toolSpecs{byName: map[string]ToolInfo{}}
	if l == nil {
		return t, nil
	}
	strict := true
	for _, ti := range l.Tools {
		if _, dup := t.byName[ti.Name]; dup {
			return nil, fmt.Errorf("%w: %q is listed twice", ErrDuplicateTool, ti.Name)
		}
		t.byName[ti.Name] = ti
		t.decls = append(t.decls, mistral.Tool{Type: "function", Function: &mistral.FunctionTool{
			Name: ti.Name, Description: ti.Description, Parameters: ti.Parameters, Strict: &strict,
		}})
	}
	return t, nil
}

// runLoop is the run: model turn, tool calls, append, until a final answer.
// It fills res.
func runLoop(ctx context.Context, s Settings, st Steps, res *Result, inputs mistral.Inputs, call callOptions) (err error) {
	// pending are the calls the conversation awaits an answer to: reported
	// in the Result of a run that stops before its final answer.
	var pending []*mistral.FunctionCallEntry
	defer func() {
		if err != nil && res.ConversationID != "" {
			res.Pending = pending
		}
	}()
	list, err := st.ListTools(ctx)
	if err != nil {
		return err
	}
	tt, err := newToolSpecs(list)
	if err != nil {
		return err
	}
	maxTurns := s.MaxTurns
	if maxTurns == 0 {
		maxTurns = DefaultMaxTurns
	}
	if call.maxTurns > 0 {
		maxTurns = call.maxTurns
	}
	var conf []mistral.ToolCallConfirmation
	switch {
	case res.ConversationID != "":
		// A continued conversation may await answers to calls an earlier
		// run left (interrupted, turn limit, deferral): they go first, in
		// the same append as the inputs.
		h, err := st.History(ctx, res.ConversationID)
		if err != nil {
			return fmt.Errorf("run: reading conversation %s: %w", res.ConversationID, err)
		}
		pending = awaiting(h)
		// Calls the inputs answer (results given by the caller, or carried
		// by a durable run that continued as new) are not answered again.
		pending = slices.DeleteFunc(pending, func(c *mistral.FunctionCallEntry) bool { return answers(inputs, c.ToolCallID) })
		if call.deferral == nil && len(pending) == 0 && inputs.IsZero() {
			return fmt.Errorf("%w (conversation %s)", ErrNothingToResume, res.ConversationID)
		}
		if err := prepareResume(s, tt, res.ConversationID, pending, call); err != nil {
			return err
		}
		if len(pending) > 0 {
			var results []mistral.Entry
			results, conf, err = answer(ctx, s, st, res, tt, pending, call, 0)
			res.OutputEntries = append(res.OutputEntries, results...)
			if err != nil {
				return err
			}
			inputs = withPrompt(results, inputs)
		}
	case inputs.IsZero():
		return errors.New("run: no inputs: give a prompt (mistral.TextInputs) or entries")
	}
	for {
		res.Turns++
		t := &Turn{Number: res.Turns, ConversationID: res.ConversationID}
		if t.ConversationID == "" {
			t.Start = startRequest(s, tt, inputs)
		} else {
			t.Append = &mistral.AppendRequest{Inputs: inputs, Store: s.Store, ToolConfirmations: conf}
		}
		out, err := st.Turn(ctx, t)
		var outputs mistral.Entries
		if out != nil {
			if out.ConversationID != "" {
				res.ConversationID = out.ConversationID
			}
			outputs = out.Outputs
			res.Usage = res.Usage.Add(out.Usage)
			res.OutputEntries = append(res.OutputEntries, outputs...)
		}
		if err != nil {
			if !errors.Is(err, errStopped) {
				err = fmt.Errorf("run: turn %d: %w", res.Turns, err)
			}
			return err
		}
		var calls []*mistral.FunctionCallEntry
		for _, e := range outputs {
			if c, ok := e.(*mistral.FunctionCallEntry); ok {
				if s := c.ConfirmationStatus; s == "" || s == "pending" {
					calls = append(calls, c)
				}
			}
		}
		pending = calls
		if len(calls) == 0 {
			res.Files = collectFiles(res.OutputEntries)
			return checkOutput(s.Output, res)
		}
		if res.Turns >= maxTurns {
			// The calls are not run: they stay pending, for a resume with a
			// larger budget to answer, once.
			return &MaxTurnsError{Turns: res.Turns, Pending: len(calls)}
		}
		var results []mistral.Entry
		results, conf, err = answer(ctx, s, st, res, tt, calls, callOptions{}, res.Turns)
		res.OutputEntries = append(res.OutputEntries, results...)
		if err != nil {
			return err
		}
		inputs = mistral.EntryInputs(results...)
		if len(results) == 0 {
			inputs = mistral.Inputs{} // only confirmations
		}
		// A server may have changed its tools (tools/list_changed): route the
		// next calls by the current list.
		if list.Refresh {
			if list, err = st.ListTools(ctx); err != nil {
				return err
			}
			if tt, err = newToolSpecs(list); err != nil {
				return err
			}
		}
	}
}

func startRequest(s Settings, tt *toolSpecs, inputs mistral.Inputs) *mistral.ConversationRequest {
	req := &mistral.ConversationRequest{Inputs: inputs, Store: s.Store}
	if s.AgentID != "" {
		req.AgentID = s.AgentID
		return req
	}
	req.Model = s.Model
	req.Instructions = s.Instructions
	req.Tools = tt.decls // only read: no copy when there are no other tools
	if len(s.Tools) > 0 {
		req.Tools = append(append([]mistral.Tool(nil), s.Tools...), tt.decls...)
	}
	if s.CompletionArgs != nil || s.Output != nil {
		a := mistral.CompletionArgs{}
		if s.CompletionArgs != nil {
			a = *s.CompletionArgs
		}
		if s.Output != nil {
			a.ResponseFormat = s.Output
		}
		req.CompletionArgs = &a
	}
	return req
}

// answers reports whether inputs hold a function.result for call id.
func answers(in mistral.Inputs, id string) bool {
	for _, e := range in.Entries {
		if fr, ok := e.(*mistral.FunctionResultEntry); ok && fr.ToolCallID == id {
			return true
		}
	}
	return false
}

// resultText is the text the model reads for a call's outcome.
func resultText(c *mistral.FunctionCallEntry, o CallOutcome) string {
	if o.Err != nil {
		return fmt.Sprintf("Error while executing %s: %v", c.Name, o.Err)
	}
	return o.Text
}
