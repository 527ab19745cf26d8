package temporal

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/client"

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
	}
	return e
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
