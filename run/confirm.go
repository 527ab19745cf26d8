package run

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
)

// Why a call waits for a decision (DeferredCall.Reason).
const (
	// ReasonConfirmationRequired: the tool requires confirmation here (see
	// [Function.RequireConfirmation], [RequireConfirmation]).
	ReasonConfirmationRequired = "confirmation_required"
	// ReasonServerConfirmation: the API holds the call for confirmation
	// (its confirmation_status is "pending"); it is answered with a tool
	// confirmation, never executed locally.
	ReasonServerConfirmation = "server_side_confirmation_required"
)

// deferralVersion is written in every Deferral; a state of another version
// is refused rather than guessed at.
const deferralVersion = 1

// RequireConfirmation returns a copy of f whose calls wait for a decision:
// with [WithApproval] the approver is asked, as for every call; without one
// the run stops with a [*DeferredError] that another process can continue
// (see [WithDecisions]).
func (f *Function) RequireConfirmation() *Function {
	g := *f
	g.confirm = true
	return &g
}

// RequiresConfirmation reports whether calls of f wait for a decision.
func (f *Function) RequiresConfirmation() bool { return f.confirm }

// RequireConfirmation makes calls of the named tools (their MCP names) of
// this server wait for a decision, as [Function.RequireConfirmation] does.
func RequireConfirmation(names ...string) MCPOption {
	return func(s *mcpSource) error {
		if err := checkToolNames("RequireConfirmation", names); err != nil {
			return err
		}
		if s.confirm == nil {
			s.confirm = map[string]bool{}
		}
		for _, n := range names {
			s.confirm[n] = true
		}
		return nil
	}
}

// RequireConfirmationIf makes calls of this server's tools for which pred
// returns true wait for a decision: a rule over what the server says of the
// tool, e.g. its annotations (a destructive hint, not a read-only one).
// Annotations are the server's claims; a tool without them gives nil.
func RequireConfirmationIf(pred func(mcpclient.Tool) bool) MCPOption {
	return func(s *mcpSource) error {
		if pred == nil {
			return errors.New("run: RequireConfirmationIf: nil predicate")
		}
		s.confirmIf = pred
		return nil
	}
}

// ConfirmationRequiredEvent is yielded by [Runner.Stream] for each call that
// waits for a decision, before the approver is asked or the run defers.
type ConfirmationRequiredEvent struct {
	Call   DeferredCall
	Reason string // ReasonConfirmationRequired or ReasonServerConfirmation
}

// EventType implements mistral.Event.
func (*ConfirmationRequiredEvent) EventType() string { return "tool.confirmation_required" }

// A DeferredCall is a call waiting for a decision.
type DeferredCall struct {
	ToolCallID string `json:"tool_call_id"`
	Name       string `json:"name"`
	Arguments  string `json:"arguments"`
	// Reason is ReasonConfirmationRequired or ReasonServerConfirmation.
	Reason string `json:"reason"`
	// Server is the MCP client's name ("" for a Go function or a call the
	// API holds).
	Server string `json:"server,omitempty"`
}

// A ExecutedResult is the result of a call that ran before the run
// deferred; it is sent with the decisions' results, never run again.
type ExecutedResult struct {
	ToolCallID string `json:"tool_call_id"`
	Name       string `json:"name"`
	Result     string `json:"result"`
}

// A Deferral is the state of a run stopped at calls that wait for a
// decision. It marshals to JSON (store it anywhere); a later process with a
// Runner holding the same tools continues the run with [WithDecisions].
type Deferral struct {
	// Version is the format's; WithDecisions refuses another.
	Version int `json:"version"`
	// ConversationID is the conversation whose calls wait.
	ConversationID string `json:"conversation_id"`
	// Calls wait for a decision.
	Calls []DeferredCall `json:"calls"`
	// Executed are the results of the turn's other calls: they ran, and are
	// sent with the decisions.
	Executed []ExecutedResult `json:"executed,omitempty"`
	// Tools fingerprints each local tool named above (its name, where it
	// comes from and its parameters), so that a Runner with other tools is
	// refused instead of running something else.
	Tools map[string]string `json:"tools,omitempty"`
}

// A DeferredError stops a run that reached calls waiting for a decision
// without an approver ([WithApproval]). The run's [Result] comes with it;
// the calls stay pending in the conversation until the run is continued
// with [WithDecisions].
type DeferredError struct {
	Deferral *Deferral
}

// Error implements error.
func (e *DeferredError) Error() string {
	names := make([]string, len(e.Deferral.Calls))
	for i, c := range e.Deferral.Calls {
		names[i] = c.Name
	}
	return fmt.Sprintf("run: %d tool call(s) wait for confirmation (%s) in conversation %s", len(names), strings.Join(names, ", "), e.Deferral.ConversationID)
}

// A Decision answers one deferred call: allow it (optionally with other
// arguments) or deny it with a message the model reads. Make one with
// [Approve], [ApproveWithArguments] or [Reject].
type Decision struct {
	// ToolCallID names the deferred call.
	ToolCallID string
	// Allow runs the call; false denies it.
	Allow bool
	// Arguments, with Allow, are merged over the call's arguments (members
	// given here win); nil keeps them.
	Arguments json.RawMessage
	// Message, with a denial, is what the model receives as the call's
	// result ("Tool call denied: MESSAGE").
	Message string
}

// Approve allows the call as the model made it.
func Approve(toolCallID string) Decision { return Decision{ToolCallID: toolCallID, Allow: true} }

// ApproveWithArguments allows the call with args (a JSON object) merged over
// the model's arguments.
func ApproveWithArguments(toolCallID string, args json.RawMessage) Decision {
	return Decision{ToolCallID: toolCallID, Allow: true, Arguments: args}
}

// Reject denies the call; message tells the model why.
func Reject(toolCallID, message string) Decision {
	return Decision{ToolCallID: toolCallID, Message: message}
}

// WithDecisions continues the run that stopped with d (a [*DeferredError]'s
// Deferral, possibly read back from JSON) with a decision for each of its
// calls. The run reads the conversation first: a call already answered (the
// deferral was continued before) or a Runner whose tools differ from those
// d was made with fails the run before anything is executed. It implies
// [InConversation](d.ConversationID).
func WithDecisions(d *Deferral, decisions ...Decision) CallOption {
	return func(c *callOptions) error {
		if d == nil {
			return errors.New("run: WithDecisions: nil deferral")
		}
		if d.Version != deferralVersion {
			return fmt.Errorf("run: WithDecisions: a deferral of version %d; this mcprun reads version %d", d.Version, deferralVersion)
		}
		if d.ConversationID == "" {
			return errors.New("run: WithDecisions: deferral without a conversation id")
		}
		if c.conversationID != "" && c.conversationID != d.ConversationID {
			return fmt.Errorf("run: WithDecisions: the deferral is of conversation %s, not %s", d.ConversationID, c.conversationID)
		}
		waiting := map[string]bool{}
		for _, dc := range d.Calls {
			waiting[dc.ToolCallID] = true
		}
		m := map[string]Decision{}
		for _, dec := range decisions {
			if !waiting[dec.ToolCallID] {
				return fmt.Errorf("run: WithDecisions: a decision for %q, which is not a deferred call", dec.ToolCallID)
			}
			if _, dup := m[dec.ToolCallID]; dup {
				return fmt.Errorf("run: WithDecisions: two decisions for %q", dec.ToolCallID)
			}
			if dec.Arguments != nil && !json.Valid(dec.Arguments) {
				return fmt.Errorf("run: WithDecisions: the arguments for %q are not JSON", dec.ToolCallID)
			}
			m[dec.ToolCallID] = dec
		}
		var missing []string
		for _, dc := range d.Calls {
			if _, ok := m[dc.ToolCallID]; !ok {
				missing = append(missing, dc.ToolCallID+" ("+dc.Name+")")
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("run: WithDecisions: no decision for %s", strings.Join(missing, ", "))
		}
		c.conversationID = d.ConversationID
		c.deferral, c.decisions = d, m
		return nil
	}
}

// needsDecision reports why a call waits for a decision, or "".
func needsDecision(tt *toolSpecs, c *mistral.FunctionCallEntry) string {
	if c.ConfirmationStatus == "pending" {
		return ReasonServerConfirmation
	}
	if ti, ok := tt.byName[c.Name]; ok && ti.Confirm {
		return ReasonConfirmationRequired
	}
	return ""
}

// fingerprints returns the fingerprints of the named local tools.
func (tt *toolSpecs) fingerprints(names []string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		if ti, ok := tt.byName[n]; ok {
			out[n] = ti.fingerprint()
		}
	}
	return out
}

// checkTools names what differs between the tools d was made with and tt.
func (d *Deferral) checkTools(tt *toolSpecs) error {
	var diffs []string
	for _, name := range slices.Sorted(maps.Keys(d.Tools)) {
		ti, ok := tt.byName[name]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("tool %q is missing", name))
		case ti.fingerprint() != d.Tools[name]:
			diffs = append(diffs, fmt.Sprintf("tool %q is not the same (another server, or other parameters)", name))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: %s", ErrDeferralMismatch, strings.Join(diffs, "; "))
	}
	return nil
}

// ErrDeferralMismatch is wrapped by the error of a run continued with a
// deferral that does not fit: other tools, or calls no longer pending.
var ErrDeferralMismatch = errors.New("run: the deferred state does not match")

// mergeArgs merges override (a JSON object) over args.
func mergeArgs(args string, override json.RawMessage) (string, error) {
	if override == nil {
		return args, nil
	}
	var base map[string]json.RawMessage
	if strings.TrimSpace(args) != "" {
		if err := json.Unmarshal([]byte(args), &base); err != nil {
			base = nil // the model's arguments were not an object: the override replaces them
		}
	}
	var over map[string]json.RawMessage
	if err := json.Unmarshal(override, &over); err != nil {
		return "", fmt.Errorf("override arguments are not a JSON object: %w", err)
	}
	if base == nil {
		base = map[string]json.RawMessage{}
	}
	maps.Copy(base, over)
	b, err := json.Marshal(base)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// askApprover asks the synchronous approver about a call the API holds.
func (r *Runner) askApprover(ctx context.Context, c *mistral.FunctionCallEntry) (bool, string) {
	return r.cfg.approve(ctx, ToolCall{ID: c.ToolCallID, Name: c.Name, Arguments: json.RawMessage(c.Arguments)})
}
