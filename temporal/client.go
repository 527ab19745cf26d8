package temporal

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/mcprun/mcprun/run"
)

// Start starts a durable run. so.TaskQueue "" is [DefaultTaskQueue]; so.ID
// "" lets Temporal choose the workflow id (read it from the returned run).
func Start(ctx context.Context, c client.Client, in RunInput, so client.StartWorkflowOptions) (client.WorkflowRun, error) {
	if c == nil {
		return nil, errors.New("temporal: Start: nil client")
	}
	if so.TaskQueue == "" {
		so.TaskQueue = DefaultTaskQueue
	}
	wr, err := c.ExecuteWorkflow(ctx, so, WorkflowName, in)
	if err != nil {
		return nil, fmt.Errorf("temporal: starting the run: %w", err)
	}
	return wr, nil
}

// Wait waits for the run of workflow id to end and returns its Result, and
// its error as [run.Runner.Run] would: a *run.ToolError, a
// *run.MaxTurnsError, an error wrapping context.Canceled for a cancelled
// run, or a *RunError.
func Wait(ctx context.Context, c client.Client, id string) (*run.Result, error) {
	var out Outcome
	if err := c.GetWorkflow(ctx, id, "").Get(ctx, &out); err != nil {
		return nil, fmt.Errorf("temporal: waiting for %s: %w", id, err)
	}
	if e := out.Error; e != nil && e.Kind == KindOutput {
		return out.Result, &run.OutputError{Text: out.Result.Text(), Err: errors.New(e.Cause)}
	}
	return out.Result, out.Error.err()
}

func (e *RunError) err() error {
	if e == nil {
		return nil
	}
	switch e.Kind {
	case KindTool:
		return &run.ToolError{Tool: e.Tool, ToolCallID: e.ToolCallID, Err: e}
	case KindMaxTurns:
		return &run.MaxTurnsError{Turns: e.Turns, Pending: e.Pending}
	case KindCancelled:
		return fmt.Errorf("%w: %w", context.Canceled, e)
	case KindTimeout:
		return fmt.Errorf("%w: %w", e, &timeoutError{})
	}
	return e
}

// timeoutError makes a durable run's timeout match run.ErrRunTimeout and
// context.DeadlineExceeded, as an in-process run's does.
type timeoutError struct{}

func (*timeoutError) Error() string { return context.DeadlineExceeded.Error() }

func (*timeoutError) Is(target error) bool {
	return target == run.ErrRunTimeout || target == context.DeadlineExceeded
}

// GetStreamingTurn returns the text the run's model turn has streamed so
// far, or nil if no turn is under way. It reads the turn activity's last
// heartbeat (DescribeWorkflowExecution): the text is as fresh as the
// worker's heartbeat throttle ([DefaultHeartbeatThrottle]) allows, and
// streaming adds nothing to the workflow's history. Progress.Texts has the
// whole text of a turn that ended. The details are decoded with the default
// data converter, as workers that set none encode them.
func GetStreamingTurn(ctx context.Context, c client.Client, id string) (*StreamingTurn, error) {
	d, err := c.DescribeWorkflow(ctx, id, "")
	if err != nil {
		return nil, fmt.Errorf("temporal: describing %s: %w", id, err)
	}
	for _, pa := range d.RawResponse.GetPendingActivities() {
		if pa.GetActivityType().GetName() != TurnActivity || pa.GetHeartbeatDetails() == nil {
			continue
		}
		var st StreamingTurn
		if err := converter.GetDefaultDataConverter().FromPayloads(pa.GetHeartbeatDetails(), &st); err != nil {
			return nil, fmt.Errorf("temporal: the streamed text of %s: %w", id, err)
		}
		return &st, nil
	}
	return nil, nil
}

// GetProgress asks a run where it is.
func GetProgress(ctx context.Context, c client.Client, id string) (*Progress, error) {
	v, err := c.QueryWorkflow(ctx, id, "", ProgressQuery)
	if err != nil {
		return nil, fmt.Errorf("temporal: progress of %s: %w", id, err)
	}
	var p Progress
	if err := v.Get(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Approve answers the calls a run waits on, one decision each
// (run.Approve, run.ApproveWithArguments, run.Reject); the run goes on.
// It fails if the run awaits no approval or the decisions do not fit.
func Approve(ctx context.Context, c client.Client, id string, decisions ...run.Decision) error {
	h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: id, UpdateName: ApproveUpdate, Args: []any{Approval{Decisions: decisions}},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		return fmt.Errorf("temporal: approving in %s: %w", id, err)
	}
	return h.Get(ctx, nil)
}

// Cancel asks a run to stop: its running calls are cancelled and its
// pending calls answered as cancelled.
func Cancel(ctx context.Context, c client.Client, id string) error {
	if err := c.CancelWorkflow(ctx, id, ""); err != nil {
		return fmt.Errorf("temporal: cancelling %s: %w", id, err)
	}
	return nil
}
