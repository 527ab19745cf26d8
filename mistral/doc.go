// Package mistral is a client for the parts of the Mistral API that a run loop
// needs: Conversations (start, append, restart, get, history, messages; each
// non-streaming and streaming), Agents (create, get, list, update) and Files.
//
// JSON on the wire is exactly the API's (snake_case), checked against the
// official TypeScript SDK, which is generated from the API's OpenAPI spec.
// Entries, content chunks and stream events are typed; unknown entry types,
// chunk types, event types and unknown fields are kept as raw JSON and written
// back unchanged, so a newer API never breaks an older client.
//
// The client retries 429 and 5xx answers and connection failures with
// exponential backoff and full jitter, honouring Retry-After; errors from the
// API are *APIError values (match them with errors.As). The API key never
// appears in an error or a log line.
package mistral
