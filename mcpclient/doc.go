// Package mcpclient connects to MCP servers over stdio, legacy HTTP+SSE and
// Streamable HTTP, and presents their tools, prompts and resources in the
// shape an LLM run loop needs.
//
// It is a thin layer over the official SDK, github.com/modelcontextprotocol/go-sdk:
// the SDK speaks the protocol and runs the transports; this package adds the
// lifecycle around them (connect and per-call timeouts, a bounded stderr
// buffer for stdio servers, a supervisor that reconnects a dead server and
// re-lists its tools, a tool cache refreshed on list_changed), tool schemas
// acceptable to Mistral function calling (sanitised names, inlined $refs),
// and one function, [RenderResult], that turns a tool result into the text a
// model reads.
//
// A [Client] is safe for concurrent use. Its methods fail with [ErrClosed]
// after [Client.Close], with [ErrNotConnected] before [Client.Connect], and
// with a [*ServerError] (carrying the tail of a stdio server's stderr) when
// the server is gone.
package mcpclient
