// Package mistral is a client for the parts of the Mistral API that a run loop
// needs: Conversations (start, append, restart, get, history, messages; each
// non-streaming and streaming), Agents (create, get, list, update) and Files.
//
// NewClient takes options that can fail (an invalid one is an error, never
// a silent default) and reads no environment unless given FromEnv, which
// reads MISTRAL_API_KEY and MISTRAL_SERVER_URL.
//
// JSON on the wire is exactly the API's (snake_case), checked against the
// official TypeScript SDK, which is generated from the API's OpenAPI spec.
// Entries, content chunks and stream events are typed. Entry and Chunk are
// closed sum types whose Go type is the discriminant; unknown entry types,
// chunk types, event types and unknown fields are kept as raw JSON and
// written back unchanged, so a newer API never breaks an older client. A
// failing call returns a nil result and its error.
//
// The client retries 429 and 5xx answers and connection failures with
// exponential backoff and full jitter, honouring Retry-After; errors from the
// API are *APIError values (match them with errors.As), and
// (*APIError).Retryable says which are worth retrying. The API key never
// appears in an error or a log line.
package mistral
