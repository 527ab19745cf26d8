package run

import (
	"github.com/mcprun/mcprun/internal/redact"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"regexp"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"go.opentelemetry.io/otel/trace"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
)

// An Option configures a [Runner] (see [New]). Each Option validates its
// argument: an invalid value is an error from New, never a silent default.
// Leaving an Option out is always valid and gives the documented default.
type Option func(*config) error

type config struct {
	model           string
	agentID         string
	instructions    string
	completionArgs  *mistral.CompletionArgs
	tools           []mistral.Tool
	functions       []*Function
	mcps            []*mcpSource
	output          *mistral.ResponseFormat
	continueOnError bool
	maxTurns        int
	runTimeout      time.Duration // WithRunTimeout; 0: none
	elicitor        *Elicitor     // WithElicitor
	parallelism     int
	funcTimeout     time.Duration
	approve         func(ctx context.Context, call ToolCall) (allow bool, reason string)
	hooks           Hooks
	tracer          trace.TracerProvider
	logger          *slog.Logger
	downloadFiles   bool
	store           *bool
	requireAll      bool        // WithAllServersRequired
	maxResult       int         // WithMaxResultBytes; 0: DefaultMaxResultBytes
	secrets         *redact.Set // WithRedaction; nil: none
}

// WithAllServersRequired makes every MCP server required: [Runner.Connect]
// (and so every run) fails when any of them does not start, instead of going
// on with those that started.
func WithAllServersRequired() Option {
	return func(c *config) error {
		c.requireAll = true
		return nil
	}
}

// WithModel runs the conversation on a model (e.g. "mistral-medium-latest").
// Set a model or an agent ([WithAgent]), not both. An empty name is an error.
func WithModel(model string) Option {
	return func(c *config) error {
		if model == "" {
			return errors.New("run: WithModel: empty model name")
		}
		c.model = model
		return nil
	}
}

// WithAgent runs the conversation with an agent. Before the first run the
// agent's function tools and response format are updated on the server, as
// the reference SDK does: its other tools are kept, functions of the same
// name are replaced. An empty id is an error.
func WithAgent(agentID string) Option {
	return func(c *config) error {
		if agentID == "" {
			return errors.New("run: WithAgent: empty agent id")
		}
		c.agentID = agentID
		return nil
	}
}

// WithInstructions sets the system instructions of a model run.
func WithInstructions(s string) Option {
	return func(c *config) error { c.instructions = s; return nil }
}

// WithCompletionArgs sets the completion arguments of a model run
// (temperature, max tokens, ...). The output type's response format, if any,
// replaces args.ResponseFormat.
func WithCompletionArgs(args mistral.CompletionArgs) Option {
	return func(c *config) error { c.completionArgs = &args; return nil }
}

// WithTools declares extra tools for a model run, typically built-in
// connectors such as mistral.BuiltinTool("web_search"). Their entries
// (tool.execution) pass through into the result.
func WithTools(tools ...mistral.Tool) Option {
	return func(c *config) error { c.tools = append(c.tools, tools...); return nil }
}

// WithFunctions registers local functions (see [NewFunc]). A nil function is
// an error, and so are two functions of the same name (from [New]).
func WithFunctions(fns ...*Function) Option {
	return func(c *config) error {
		for _, f := range fns {
			if f == nil {
				return errNilFunction
			}
		}
		c.functions = append(c.functions, fns...)
		return nil
	}
}

// WithMCP registers an MCP client: each of its tools becomes a function the
// model can call; opts choose which and under what names. A nil client is an
// error. Once [New] succeeds the Runner owns the client ([Runner.Close] closes
// it); if New fails, closing it is still the caller's job.
// The clients are connected concurrently on [Runner.Connect] or the first run.
func WithMCP(client *mcpclient.Client, opts ...MCPOption) Option {
	return func(c *config) error {
		if client == nil {
			return errors.New("run: nil MCP client")
		}
		src := &mcpSource{client: client}
		for _, o := range opts {
			if o == nil {
				return errNilMCPOption
			}
			if err := o(src); err != nil {
				return err
			}
		}
		c.mcps = append(c.mcps, src)
		return nil
	}
}

// WithOutput asks for structured output of type T: its JSON Schema (inferred
// by github.com/google/jsonschema-go) becomes a strict json_schema response
// format. Decode the answer with [OutputAs].
func WithOutput[T any]() Option {
	return func(c *config) error {
		s, err := jsonschema.For[T](nil)
		if err != nil {
			return fmt.Errorf("run: output type: %w", err)
		}
		raw, err := json.Marshal(s)
		if err != nil {
			return fmt.Errorf("run: output type: %w", err)
		}
		name := schemaName(reflect.TypeFor[T]().Name())
		c.output = mistral.JSONSchemaFormat(name, raw, true)
		return nil
	}
}

// WithOutputSchema asks for structured output matching a JSON Schema, under
// a name (strict json_schema response format). The name must not be empty;
// characters outside [A-Za-z0-9_-] become "_". Decode the answer with
// [OutputAs].
func WithOutputSchema(name string, schema json.RawMessage) Option {
	return func(c *config) error {
		if name == "" {
			return errors.New("run: WithOutputSchema: empty name")
		}
		if !json.Valid(schema) {
			return errors.New("run: output schema is not valid JSON")
		}
		if _, err := resolveSchema(schema); err != nil {
			return err
		}
		c.output = mistral.JSONSchemaFormat(schemaName(name), schema, true)
		return nil
	}
}

var notSchemaName = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func schemaName(s string) string {
	s = notSchemaName.ReplaceAllString(s, "_")
	if s == "" {
		return "output"
	}
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}

// WithContinueOnError decides what a failing tool call does. Off (the
// default, as in the reference SDK) the run stops with a [*ToolError]; on,
// the error text goes back to the model as the call's result
// ("Error while executing NAME: ERROR") and the run goes on.
func WithContinueOnError(on bool) Option {
	return func(c *config) error { c.continueOnError = on; return nil }
}

// WithMaxTurns bounds the model turns of a run (default 20); past it the run
// ends with a [*MaxTurnsError]. n must be at least 1.
func WithMaxTurns(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return errors.New("run: max turns must be at least 1")
		}
		c.maxTurns = n
		return nil
	}
}

// WithRunTimeout bounds a whole run: model turns, tool calls, retries. Past
// it the run stops, its tools are cancelled, and it returns its partial
// Result with an error wrapping [ErrRunTimeout] (and
// context.DeadlineExceeded); the conversation can be resumed. 0 (the
// default) sets no bound; a negative duration is an error.
func WithRunTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("run: WithRunTimeout: negative duration %v", d)
		}
		c.runTimeout = d
		return nil
	}
}

// WithParallelism bounds how many tool calls of one turn run at once
// (default 8; tools mostly wait on I/O, not on cores). 1 runs them one after
// another; less than 1 is an error.
func WithParallelism(n int) Option {
	return func(c *config) error {
		if n < 1 {
			return errors.New("run: parallelism must be at least 1")
		}
		c.parallelism = n
		return nil
	}
}

// WithFunctionTimeout bounds each call of a Go function (default 60 s, as
// MCP calls; see mcpclient.WithCallTimeout for those). The function's
// context is cancelled then, and the call fails with [ErrToolTimeout]
// whether or not the function returns. d must be positive.
func WithFunctionTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("run: WithFunctionTimeout(%v): must be positive", d)
		}
		c.funcTimeout = d
		return nil
	}
}

// WithApproval sets a hook called before each tool call. Returning false
// denies the call: the model receives "Tool call denied: REASON" as its
// result, and the run goes on. Without it every call runs; a nil fn is an
// error.
func WithApproval(fn func(ctx context.Context, call ToolCall) (allow bool, reason string)) Option {
	return func(c *config) error {
		if fn == nil {
			return errors.New("run: WithApproval: nil function")
		}
		c.approve = fn
		return nil
	}
}

// WithHooks sets callbacks around each tool call, e.g. for progress display.
func WithHooks(h Hooks) Option {
	return func(c *config) error { c.hooks = h; return nil }
}

// WithTracerProvider turns on OpenTelemetry spans (GenAI semantic
// conventions): one per model turn ("chat MODEL") and one per tool call
// ("execute_tool NAME"), under one span per run. Off by default; a nil tp is
// an error.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return func(c *config) error {
		if tp == nil {
			return errors.New("run: WithTracerProvider: nil TracerProvider")
		}
		c.tracer = tp
		return nil
	}
}

// WithLogger sets where the Runner logs (turns, tool calls, skipped updates).
// By default nothing is logged. Arguments and results are logged at Debug
// level only. A nil l is an error.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("run: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithDownloadFiles makes a run download the files built-in tools produced
// (image generation, code interpreter) into [File.Data].
func WithDownloadFiles(on bool) Option {
	return func(c *config) error { c.downloadFiles = on; return nil }
}

// WithStore sets the conversation's store flag. The API's default (true) is
// what multi-turn runs need; false is allowed only for runs with no tool
// calls.
func WithStore(store bool) Option {
	return func(c *config) error { c.store = &store; return nil }
}
