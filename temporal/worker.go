package temporal

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/mcprun/mcprun/run"
)

// DefaultMaxPayload bounds a tool result or a turn's text kept in a
// workflow's history (Temporal refuses payloads past about 2 MB).
const DefaultMaxPayload = 256 << 10

// An Option configures a worker's activities (see [Register]).
type Option func(*options) error

type options struct {
	maxPayload     int
	delivery       map[string]bool // tool name -> at most once
	heartbeatEvery time.Duration
}

// WithMaxPayload bounds, in bytes, a tool result and a turn's text kept in
// the workflow's history (default 256 KiB); past it they are cut with a
// note. n must be between 1 KiB and 1 MiB.
func WithMaxPayload(n int) Option {
	return func(o *options) error {
		if n < 1<<10 || n > 1<<20 {
			return fmt.Errorf("temporal: WithMaxPayload(%d): want 1 KiB to 1 MiB", n)
		}
		o.maxPayload = n
		return nil
	}
}

// AtMostOnce makes calls of the named tools (as the model sees them) never
// retried: if a worker dies during one, the model is told its outcome is
// unknown. Tools their MCP server marks destructive and not idempotent are
// at most once without it.
func AtMostOnce(names ...string) Option { return delivery("AtMostOnce", true, names) }

// AtLeastOnce makes calls of the named tools retried after a worker's death
// even if their server marks them destructive.
func AtLeastOnce(names ...string) Option { return delivery("AtLeastOnce", false, names) }

func delivery(opt string, once bool, names []string) Option {
	return func(o *options) error {
		if len(names) == 0 {
			return fmt.Errorf("temporal: %s: no tool names", opt)
		}
		for _, n := range names {
			if n == "" {
				return fmt.Errorf("temporal: %s: empty tool name", opt)
			}
			if prev, ok := o.delivery[n]; ok && prev != once {
				return fmt.Errorf("temporal: tool %q is both at most once and at least once", n)
			}
			o.delivery[n] = once
		}
		return nil
	}
}

// WithHeartbeatInterval sets how often a running tool call tells Temporal
// its worker lives (default 1s); it must be shorter than the run's
// RunPolicy.CallHeartbeat.
func WithHeartbeatInterval(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("temporal: WithHeartbeatInterval(%v): must be positive", d)
		}
		o.heartbeatEvery = d
		return nil
	}
}

// Register registers the workflow and its activities on reg (a worker):
// r's Go functions and MCP clients execute the calls, r's Mistral client
// sends the turns (build it with mistral.WithMaxRetries(0): Temporal
// retries). The caller keeps r and closes it after the worker stops. A
// Runner with a run timeout (run.WithRunTimeout) or that downloads files
// (run.WithDownloadFiles) is refused: a durable run carries its own bound
// (RunInput.Timeout), and its Result's files keep their ids only.
// Give the worker a MaxHeartbeatThrottleInterval of about
// [DefaultHeartbeatThrottle] for clients to see streamed text promptly
// ([NewWorker] does).
func Register(reg worker.Registry, r *run.Runner, opts ...Option) error {
	if reg == nil || r == nil {
		return errors.New("temporal: Register: nil worker or runner")
	}
	o := options{maxPayload: DefaultMaxPayload, delivery: map[string]bool{}, heartbeatEvery: time.Second}
	for _, opt := range opts {
		if opt == nil {
			return errors.New("temporal: nil Option")
		}
		if err := opt(&o); err != nil {
			return err
		}
	}
	// What a Runner does around the loop rather than in it, a durable run
	// cannot take from its worker: refused, not silently dropped.
	if d := r.RunTimeout(); d > 0 {
		return fmt.Errorf("temporal: Register: the Runner has a run timeout (run.WithRunTimeout(%v)), which cannot bound a durable run: runs outlive workers; bound each run with RunInput.Timeout (mcprun run --temporal --timeout)", d)
	}
	if r.DownloadsFiles() {
		return errors.New("temporal: Register: the Runner downloads files (run.WithDownloadFiles), which a durable run does not: they would travel through the workflow's history; after Wait, download Result.Files with mistral.Client.DownloadFile")
	}
	a := &activities{runner: r, opts: o}
	// With worker versioning, a run moves to the deployment's current
	// version at its next workflow task: the saved histories replayed in CI
	// keep each version able to continue the runs of the one before.
	reg.RegisterWorkflowWithOptions(Workflow, workflow.RegisterOptions{Name: WorkflowName, VersioningBehavior: workflow.VersioningBehaviorAutoUpgrade})
	reg.RegisterActivityWithOptions(a.ListTools, activity.RegisterOptions{Name: ListToolsActivity})
	reg.RegisterActivityWithOptions(a.History, activity.RegisterOptions{Name: HistoryActivity})
	reg.RegisterActivityWithOptions(a.Turn, activity.RegisterOptions{Name: TurnActivity})
	reg.RegisterActivityWithOptions(a.Call, activity.RegisterOptions{Name: CallActivity})
	return nil
}

// DefaultHeartbeatThrottle is the MaxHeartbeatThrottleInterval
// [NewWorker] gives a worker whose options set none: how often the text a
// turn streams reaches the server (see [GetStreamingTurn]).
const DefaultHeartbeatThrottle = 500 * time.Millisecond

// NewWorker returns a worker on taskQueue ("" is [DefaultTaskQueue]) with
// the workflow and activities registered (see [Register]). Start it with
// Run or Start; stop it before closing r. Unless wo sets it,
// wo.MaxHeartbeatThrottleInterval is [DefaultHeartbeatThrottle].
func NewWorker(c client.Client, taskQueue string, r *run.Runner, wo worker.Options, opts ...Option) (worker.Worker, error) {
	if c == nil {
		return nil, errors.New("temporal: NewWorker: nil client")
	}
	if taskQueue == "" {
		taskQueue = DefaultTaskQueue
	}
	if wo.MaxHeartbeatThrottleInterval == 0 {
		// A streaming turn's heartbeats carry its text: clients see it
		// twice a second rather than every 24 s (80% of the turn's
		// heartbeat timeout, the SDK's default throttle).
		wo.MaxHeartbeatThrottleInterval = DefaultHeartbeatThrottle
	}
	w := worker.New(c, taskQueue, wo)
	if err := Register(w, r, opts...); err != nil {
		return nil, err
	}
	return w, nil
}
