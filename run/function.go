package run

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"

	"github.com/google/jsonschema-go/jsonschema"
)

// A Function is a local tool the model can call: a name, a description, the
// JSON Schema of its arguments, and the Go code that runs it. Make one with
// [NewFunc] (typed, schema inferred) or [NewRawFunc] (JSON in, text out).
type Function struct {
	name        string
	description string
	schema      json.RawMessage
	resolved    *jsonschema.Resolved
	call        func(ctx context.Context, args json.RawMessage) (string, error) // NewRawFunc's
	// bind decodes checked arguments into NewFunc's input and returns the
	// call to make; it runs in the caller's goroutine, for the reason given
	// at check.
	bind    func(args json.RawMessage) (func(context.Context) (string, error), error)
	confirm bool // see RequireConfirmation
}

// Name returns the name the model calls the function by.
func (f *Function) Name() string { return f.name }

// Description returns the function's description.
func (f *Function) Description() string { return f.description }

// Schema returns the JSON Schema of the function's arguments.
func (f *Function) Schema() json.RawMessage { return f.schema }

// toolName is what Mistral accepts as a function name.
var toolName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// NewFunc makes a Function of a typed Go func. The JSON Schema of its
// arguments is inferred from In (a struct: field names from `json` tags,
// descriptions from `jsonschema:"..."` tags) by github.com/google/jsonschema-go.
// The model's arguments are decoded strictly (unknown fields refused) and
// validated against that schema before fn runs. A string Out goes back to the
// model as is, a json.RawMessage as its bytes, anything else JSON-encoded.
func NewFunc[In, Out any](name, description string, fn func(ctx context.Context, in In) (Out, error)) (*Function, error) {
	if !toolName.MatchString(name) {
		return nil, fmt.Errorf("run: function name %q: want 1 to 64 of [A-Za-z0-9_-]", name)
	}
	if fn == nil {
		return nil, fmt.Errorf("run: function %q: nil func", name)
	}
	t := reflect.TypeFor[In]()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct && t.Kind() != reflect.Map {
		return nil, fmt.Errorf("run: function %q: its input must be a struct or a map (the model sends a JSON object), not %s", name, t)
	}
	s, err := jsonschema.For[In](nil)
	if err != nil {
		return nil, fmt.Errorf("run: function %q: inferring its schema: %w", name, err)
	}
	// A pointer input infers ["null","object"]; the model must send an object.
	s.Type, s.Types = "object", nil
	resolved, err := s.Resolve(nil)
	if err != nil {
		return nil, fmt.Errorf("run: function %q: resolving its schema: %w", name, err)
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("run: function %q: %w", name, err)
	}
	return &Function{
		name:        name,
		description: description,
		schema:      raw,
		resolved:    resolved,
		bind: func(args json.RawMessage) (func(context.Context) (string, error), error) {
			// check validated args against the schema first, and an
			// inferred struct schema refuses unknown members
			// (additionalProperties: false, at every level), under their
			// exact names: a plain Unmarshal is then as strict as a
			// Decoder with DisallowUnknownFields, without its buffer.
			var in In
			if err := json.Unmarshal(args, &in); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrInvalidArguments, err)
			}
			return func(ctx context.Context) (string, error) {
				out, err := fn(ctx, in)
				if err != nil {
					return "", err
				}
				return encodeOutput(out)
			}, nil
		},
	}, nil
}

// MustFunc is like [NewFunc] but panics on error; for package-level
// declarations of functions whose types are known to be fine.
func MustFunc[In, Out any](name, description string, fn func(ctx context.Context, in In) (Out, error)) *Function {
	f, err := NewFunc(name, description, fn)
	if err != nil {
		panic(err)
	}
	return f
}

// NewRawFunc makes a Function from a JSON Schema and a func that takes the
// model's arguments as JSON and returns the result text. The arguments are
// validated against schema first.
func NewRawFunc(name, description string, schema json.RawMessage, fn func(ctx context.Context, args json.RawMessage) (string, error)) (*Function, error) {
	if !toolName.MatchString(name) {
		return nil, fmt.Errorf("run: function name %q: want 1 to 64 of [A-Za-z0-9_-]", name)
	}
	if fn == nil {
		return nil, fmt.Errorf("run: function %q: nil func", name)
	}
	if len(schema) == 0 {
		schema = json.RawMessage(`{"type":"object","properties":{}}`)
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(schema, &s); err != nil {
		return nil, fmt.Errorf("run: function %q: schema: %w", name, err)
	}
	resolved, err := s.Resolve(nil)
	if err != nil {
		return nil, fmt.Errorf("run: function %q: resolving its schema: %w", name, err)
	}
	return &Function{name: name, description: description, schema: schema, resolved: resolved, call: fn}, nil
}

func encodeOutput(out any) (string, error) {
	switch v := out.(type) {
	case string:
		return v, nil
	case json.RawMessage:
		return string(v), nil
	case []byte:
		return string(v), nil
	}
	b, err := json.Marshal(out)
	if err != nil {
		return "", fmt.Errorf("encoding the result: %w", err)
	}
	return string(b), nil
}

// check parses args, validates them against the function's schema and
// returns the call to make with them ("{}" for none). It runs in the
// caller's goroutine, and so do the decoding into NewFunc's input:
// validation and decoding recurse deeply, and on the fresh, small stack of
// the goroutine that runs the function they grew that stack on every call
// (runtime.newstack was most of their CPU in the TurnOverhead profile).
func (f *Function) check(args json.RawMessage) (func(context.Context) (string, error), error) {
	if len(bytes.TrimSpace(args)) == 0 {
		args = json.RawMessage("{}")
	}
	var inst any
	if err := json.Unmarshal(args, &inst); err != nil {
		return nil, fmt.Errorf("%w: not JSON: %v", ErrInvalidArguments, err)
	}
	if err := f.resolved.Validate(inst); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidArguments, err)
	}
	if f.bind != nil {
		return f.bindSafely(args)
	}
	return func(ctx context.Context) (string, error) { return f.call(ctx, args) }, nil
}

// bindSafely is bind turning a panic (an input's own UnmarshalJSON) into an
// error, as invoke does for the function itself.
func (f *Function) bindSafely(args json.RawMessage) (call func(context.Context) (string, error), err error) {
	defer func() {
		if p := recover(); p != nil {
			call, err = nil, fmt.Errorf("%w: %v", ErrToolPanic, p)
		}
	}()
	return f.bind(args)
}

// invoke makes a call that check returned, turning a panic into an error.
func invoke(ctx context.Context, call func(context.Context) (string, error)) (text string, err error) {
	defer func() {
		if p := recover(); p != nil {
			text, err = "", fmt.Errorf("%w: %v", ErrToolPanic, p)
		}
	}()
	return call(ctx)
}

var errNilFunction = errors.New("run: nil function")
