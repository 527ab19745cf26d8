// Package run runs a Mistral conversation whose function calls are executed
// locally: against typed Go functions and against the tools of MCP servers.
//
// It is the Go counterpart of the Mistral Python SDK's RunContext and
// conversations.run / run_stream. A [Runner] holds a model or an agent id, an
// optional output type (structured output), local functions and MCP clients.
// [Runner.Run] starts the conversation, executes every function.call entry the
// model produces (concurrently within a turn, up to a bound), sends all the
// function.result entries back in one append, and loops until the model gives
// a final answer. [Runner.Stream] does the same while yielding the API's
// events as they arrive, an event per local tool start and result, and the
// [*Result] last.
//
// A Runner is safe for concurrent use: many runs may share one Runner and the
// MCP servers it holds.
package run
