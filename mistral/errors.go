package mistral

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mcprun/mcprun/internal/trunc"
)

// APIError is an error answer (HTTP 4xx or 5xx) from the API.
type APIError struct {
	StatusCode int
	Type       string // e.g. "invalid_request_error", when the API says
	Code       string // the API's error code, when it says
	Message    string
	RequestID  string        // from the x-request-id (or mistral-correlation-id) header
	RetryAfter time.Duration // from Retry-After, when present
	Body       []byte        // the raw body (at most 64 KiB)
}

// Error is one line: status, type, message and request id.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "mistral: API error %d", e.StatusCode)
	if e.Type != "" {
		fmt.Fprintf(&b, " (%s)", e.Type)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Message, 500))
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request %s]", e.RequestID)
	}
	return b.String()
}

// Retryable reports whether sending the same request again later may
// succeed: the API was rate limiting (429) or failing (5xx). The client
// retries these itself (see WithMaxRetries); an APIError it returns that is
// Retryable has used up its retries or had its context end.
func (e *APIError) Retryable() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// ErrNoAPIKey is returned by NewClient when the server is the Mistral API
// (DefaultServerURL) and no API key was given, neither by WithAPIKey nor by
// FromEnv from MISTRAL_API_KEY.
var ErrNoAPIKey = errors.New("mistral: no API key for the Mistral API: use WithAPIKey, or FromEnv with MISTRAL_API_KEY set")

// ErrPlainHTTP is returned by [NewClient] for a plain-http server URL on a
// host other than loopback: the API key would travel in clear. See
// [AllowPlainHTTP].
var ErrPlainHTTP = errors.New("mistral: plain-HTTP server URL to a non-loopback host would send the API key in clear")

// ErrStreamTruncated means a stream ended before conversation.response.done.
var ErrStreamTruncated = errors.New("mistral: stream ended before conversation.response.done")

// StreamError is a conversation.response.error event turned into an error.
type StreamError struct {
	Code    int
	Message string
}

// Error implements error.
func (e *StreamError) Error() string {
	return fmt.Sprintf("mistral: response failed (code %d): %s", e.Code, oneLine(e.Message, 500))
}

// parseAPIError reads the shapes the API uses for errors:
// {"object":"error","message":…,"type":…,"code":…}, {"detail":…},
// {"message":{"detail":[…]}}.
func parseAPIError(status int, body []byte) *APIError {
	e := &APIError{StatusCode: status}
	if len(body) > 64<<10 {
		body = body[:64<<10]
	}
	e.Body = body
	var m struct {
		Message json.RawMessage `json:"message"`
		Detail  json.RawMessage `json:"detail"`
		Type    string          `json:"type"`
		Code    json.RawMessage `json:"code"`
	}
	if json.Unmarshal(body, &m) != nil {
		e.Message = strings.TrimSpace(string(body))
		return e
	}
	e.Type = m.Type
	if len(m.Code) > 0 && string(m.Code) != "null" {
		var s string
		if json.Unmarshal(m.Code, &s) != nil {
			s = string(m.Code)
		}
		e.Code = s
	}
	switch {
	case len(m.Message) > 0 && string(m.Message) != "null":
		e.Message = jsonText(m.Message)
	case len(m.Detail) > 0:
		e.Message = jsonText(m.Detail)
	default:
		e.Message = strings.TrimSpace(string(body))
	}
	return e
}

// jsonText renders a JSON string as its text and anything else as compact JSON.
func jsonText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var v any
	if json.Unmarshal(raw, &v) == nil {
		if b, err := json.Marshal(v); err == nil {
			return string(b)
		}
	}
	return string(raw)
}

// oneLine folds s onto one line and caps it at max bytes.
func oneLine(s string, max int) string {
	return trunc.Cut(strings.Join(strings.Fields(s), " "), max, "…")
}

// ErrAnswerTooLarge is a non-streamed answer over the client's bound
// (WithMaxAnswerSize). It is not retried.
var ErrAnswerTooLarge = errors.New("mistral: answer too large")
