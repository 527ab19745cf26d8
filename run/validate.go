package run

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/mcprun/mcprun/mistral"
)

// A run with structured output (WithOutput, WithOutputSchema) checks its
// final answer against the schema, with jsonschema-go's validator: a model
// may answer in prose, or with JSON that misses a required member, and the
// caller should learn it from the run, not from whatever reads the answer
// later. The run then returns its Result with an *OutputError naming the
// first violation.

// compiledSchemas caches resolved schemas by their text: a Runner's runs
// share one (Settings carry the schema as JSON, for durable runs).
var compiledSchemas sync.Map // string → *jsonschema.Resolved

// resolveSchema compiles a JSON Schema.
func resolveSchema(raw json.RawMessage) (*jsonschema.Resolved, error) {
	if v, ok := compiledSchemas.Load(string(raw)); ok {
		return v.(*jsonschema.Resolved), nil
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("run: output schema: %w", err)
	}
	rs, err := s.Resolve(nil)
	if err != nil {
		return nil, fmt.Errorf("run: output schema: %w", err)
	}
	compiledSchemas.Store(string(raw), rs)
	return rs, nil
}

// checkOutput validates the run's answer against the structured output's
// schema, if there is one.
func checkOutput(format *mistral.ResponseFormat, res *Result) error {
	if format == nil || format.JSONSchema == nil || len(format.JSONSchema.Schema) == 0 {
		return nil
	}
	rs, err := resolveSchema(format.JSONSchema.Schema)
	if err != nil {
		return err
	}
	text := res.Text()
	var v any
	if err := json.Unmarshal([]byte(stripFence(text)), &v); err != nil {
		return &OutputError{Text: text, Err: fmt.Errorf("not JSON: %w", err)}
	}
	if err := rs.Validate(v); err != nil {
		return &OutputError{Text: text, Err: &SchemaViolation{Err: err}}
	}
	return nil
}

// A SchemaViolation is an answer that is JSON but not what the output
// schema allows; Err is the validator's first violation.
type SchemaViolation struct{ Err error }

// Error says that the answer does not match, and where.
func (e *SchemaViolation) Error() string {
	return "it does not match the output schema: " + e.Err.Error()
}

// Unwrap returns the validator's error.
func (e *SchemaViolation) Unwrap() error { return e.Err }
