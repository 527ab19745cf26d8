package temporal

import (
	"time"

	"github.com/mcprun/mcprun/mistral"
	"github.com/mcprun/mcprun/run"
)

// Names under which the workflow, its activities, query and update are
// registered.
const (
	WorkflowName      = "mcprun.Run"
	ListToolsActivity = "mcprun.ListTools"
	HistoryActivity   = "mcprun.History"
	TurnActivity      = "mcprun.Turn"
	CallActivity      = "mcprun.Call"
	ProgressQuery     = "progress"
	ApproveUpdate     = "approve"
)

// DefaultTaskQueue is the task queue of workers and runs that name none.
const DefaultTaskQueue = "mcprun"

// RunInput is the workflow's input.
type RunInput struct {
	Settings run.Settings   `json:"settings"`
	Inputs   mistral.Inputs `json:"inputs"`
	// ConversationID continues a conversation (run.InConversation).
	ConversationID string `json:"conversation_id,omitempty"`
	// TurnLimit bounds the turns of this run (run.TurnLimit); 0: Settings.
	TurnLimit int       `json:"turn_limit,omitempty"`
	Policy    RunPolicy `json:"policy"`
	// Timeout bounds the whole run (run.WithRunTimeout), from the
	// workflow's start and across continue-as-new; past it the run stops as
	// a cancelled one does (its pending calls answered) and fails with an
	// error wrapping run.ErrRunTimeout. 0: no bound.
	Timeout time.Duration `json:"timeout,omitempty"`
	Carried *Carried      `json:"carried,omitempty"`
}

// RunPolicy are the workflow's timeouts and limits; the zero value gives the
// defaults.
type RunPolicy struct {
	// TurnTimeout bounds one model turn (default 10m); TurnHeartbeat is how
	// long a streaming turn may stay silent before it is retried on another
	// worker (default 30s).
	TurnTimeout   time.Duration `json:"turn_timeout,omitempty"`
	TurnHeartbeat time.Duration `json:"turn_heartbeat,omitempty"`
	// CallTimeout bounds one tool call (default 5m); CallHeartbeat is how
	// soon a call whose worker died is given up (default 10s).
	CallTimeout   time.Duration `json:"call_timeout,omitempty"`
	CallHeartbeat time.Duration `json:"call_heartbeat,omitempty"`
	// CallAttempts bounds the attempts of an at-least-once call (default 5).
	CallAttempts int `json:"call_attempts,omitempty"`
	// ContinueAsNewAfter continues the workflow as new after that many
	// turns (default 50), or when Temporal suggests it.
	ContinueAsNewAfter int `json:"continue_as_new_after,omitempty"`
}

func (p RunPolicy) withDefaults() RunPolicy {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&p.TurnTimeout, 10*time.Minute)
	def(&p.TurnHeartbeat, 30*time.Second)
	def(&p.CallTimeout, 5*time.Minute)
	def(&p.CallHeartbeat, 10*time.Second)
	if p.CallAttempts <= 0 {
		p.CallAttempts = 5
	}
	if p.ContinueAsNewAfter <= 0 {
		p.ContinueAsNewAfter = 50
	}
	return p
}

// Carried is what a run continued as new carries from before.
type Carried struct {
	Turns        int             `json:"turns"`
	Usage        mistral.Usage   `json:"usage"`
	InputEntries mistral.Entries `json:"input_entries,omitempty"`
	// Deadline is RunInput.Timeout's, fixed by the first segment.
	Deadline time.Time `json:"deadline,omitzero"`
}

// Outcome is the workflow's result: the run's Result and, if it failed,
// why. A run that fails (a tool error, the turn limit, the API) completes
// the workflow with an Outcome; only Temporal's own failures fail it.
type Outcome struct {
	Result *run.Result `json:"result,omitempty"`
	Error  *RunError   `json:"error,omitempty"`
}

// Kinds of RunError.
const (
	KindTool      = "tool"      // a tool failed (run.ToolError)
	KindMaxTurns  = "max_turns" // the turn limit (run.MaxTurnsError)
	KindCancelled = "cancelled" // the run was cancelled
	KindTimeout   = "timeout"   // the run took longer than RunInput.Timeout
	KindOutput    = "output"    // the answer is not the structured output asked for (run.OutputError)
	KindOther     = "other"
)

// A RunError is a durable run's failure.
type RunError struct {
	Kind       string `json:"kind"`
	Message    string `json:"message"`
	Tool       string `json:"tool,omitempty"`
	ToolCallID string `json:"tool_call_id,omitempty"`
	Turns      int    `json:"turns,omitempty"`
	Pending    int    `json:"pending,omitempty"`
	// Cause is why the answer is not the structured output (KindOutput).
	Cause string `json:"cause,omitempty"`
}

// Error implements error.
func (e *RunError) Error() string { return e.Message }

// Progress is what the progress query answers.
type Progress struct {
	// Status: "running", "awaiting approval", "waiting for a worker",
	// "cancelling", "done".
	Status         string        `json:"status"`
	ConversationID string        `json:"conversation_id,omitempty"`
	Turns          int           `json:"turns"`
	Deferral       *run.Deferral `json:"deferral,omitempty"`
	// Events are the run's recent events, numbered from 1 (Seq); older ones
	// are dropped past 256.
	Events []ProgressEvent `json:"events,omitempty"`
	// Texts are the texts of the last turns that answered with text (at
	// most 8, each cut past 64 KiB), so that a client that shows a turn's
	// streamed text ([GetStreamingTurn]) can finish it once the turn ends.
	Texts []TurnText `json:"texts,omitempty"`
}

// A TurnText is the text a model turn answered with.
type TurnText struct {
	Turn int    `json:"turn"`
	Text string `json:"text"`
}

// A StreamingTurn is the text a model turn has streamed so far, as its
// activity's heartbeats carry it ([GetStreamingTurn]).
type StreamingTurn struct {
	Turn int `json:"turn"` // as Progress counts turns
	// Attempt is the activity's attempt: a retried turn streams again from
	// the start.
	Attempt int    `json:"attempt"`
	Text    string `json:"text"`
}

// A ProgressEvent is one step of a run.
type ProgressEvent struct {
	Seq        int    `json:"seq"`
	Kind       string `json:"kind"` // "turn", "tool.started", "tool.result", "confirmation_required"
	Turn       int    `json:"turn,omitempty"`
	ToolCallID string `json:"tool_call_id,omitempty"`
	Name       string `json:"name,omitempty"`
	Arguments  string `json:"arguments,omitempty"`
	Text       string `json:"text,omitempty"`
	Error      bool   `json:"error,omitempty"`
}

// Approval answers the calls a run waits on (see [Approve]).
type Approval struct {
	Decisions []run.Decision `json:"decisions"`
}

// callInput is the input of the call activity.
type callInput struct {
	Call *mistral.FunctionCallEntry `json:"call"`
	// Listed: the run's tool list has the tool, so a worker without it
	// waits for another rather than answering "unknown tool".
	Listed bool `json:"listed,omitempty"`
}

// callResult is the call activity's result: a tool's own error is a
// result (Err), never an activity failure.
type callResult struct {
	Text string `json:"text,omitempty"`
	Err  string `json:"err,omitempty"`
}

// turnInput is the input of the turn activity.
type turnInput struct {
	Turn *run.Turn `json:"turn"`
	// CheckHistory reconciles with the conversation before sending, as a
	// retried attempt always does.
	CheckHistory bool `json:"check_history,omitempty"`
	// Shown is the turn's number as Progress counts them (across
	// continue-as-new), carried by its heartbeats.
	Shown int `json:"shown,omitempty"`
}

// toolsResult is the tool listing activity's result.
type toolsResult struct {
	List run.ToolList `json:"list"`
	// AtMostOnce names the tools whose calls are never retried.
	AtMostOnce []string `json:"at_most_once,omitempty"`
}
