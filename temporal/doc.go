// Package temporal runs mcprun runs as durable Temporal workflows: a run
// survives a worker that dies, and its tool calls spread over many workers.
//
// The workflow ([Workflow], registered as "mcprun.Run") is the one loop of
// package run ([run.Loop]); its I/O are activities: a model turn
// ("mcprun.Turn", which heartbeats while it streams), each tool call
// ("mcprun.Call", keyed by its tool_call_id), the tool listing
// ("mcprun.ListTools", a local activity: no round trip through the server)
// and a conversation's history ("mcprun.History").
// A worker ([NewWorker], [Register]) holds a [run.Runner]: its Go functions
// and MCP clients (stdio servers start once per worker and are reused)
// execute the calls, its Mistral client sends the turns. Build that client
// with mistral.WithMaxRetries(0): Temporal's retry policy governs.
//
// Guarantees:
//   - a tool's own error is a result the model reads, never an activity
//     failure;
//   - a turn retried after the API may have accepted its append is
//     reconciled with the conversation's history first: the same
//     function.result is never appended twice; a retried first turn finds
//     the conversation an earlier attempt started (its metadata names the
//     turn: [TurnMetadata]) and goes on in it rather than starting a
//     second one;
//   - delivery per tool: at least once by default; at most once for tools
//     the server marks destructive and not idempotent, or configured so
//     ([AtMostOnce]); the model is told when such a call's outcome is
//     unknown because its worker died;
//   - calls waiting for a decision stop nothing: the workflow waits for an
//     approval ([Approve], a workflow Update) and continues;
//   - a cancelled run answers its pending calls as cancelled;
//   - long conversations continue as new; large results are bounded
//     ([WithMaxPayload]) with a note.
//
// Start a run with [Start], wait with [Wait], watch it with [GetProgress],
// stop it with [Cancel].
package temporal
