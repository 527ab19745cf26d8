// Package serverflags turns the server flags that mcprun and
// mcprun-temporal share (--stdio, --sse, --http) into configured servers,
// names them, and makes the MCP client of a configured server. Both
// binaries use it, so that a server is named, started and reached the same
// way whether a run is local or durable.
package serverflags
