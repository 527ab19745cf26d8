// Package mistraltest runs a faithful, scriptable stand-in for the Mistral
// Conversations, Agents and Files API on loopback, in the spirit of
// net/http/httptest: point a mistral.Client at Server.URL and a Script plays
// the model.
//
// The server keeps conversations and their entries, answers streaming
// (Server-Sent Events) and non-streaming requests with the API's exact JSON,
// and validates requests as the real service does — unknown members, a
// missing or doubled model/agent, tools with invalid or duplicate names, a
// function.result for an unknown tool_call_id, function calls left without a
// result — answering with the API's error shape, so that client bugs show up
// in tests.
//
// Like httptest.NewServer, NewServer returns no error: its options check
// their arguments, and an invalid one panics with a message naming it.
//
// It is deliberately independent of package mistral: it reads and writes the
// wire format with its own small types, so the client is checked against a
// second reading of the spec rather than against itself.
package mistraltest
