package mcpclient

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrToolChanged is matched by the error of a tool whose definition is not
// the one pinned the first time the client saw it (see [WithToolPins]).
var ErrToolChanged = errors.New("mcpclient: tool definition changed since it was pinned")

// A ToolPin is what is recorded of a tool the first time it is listed: a
// later listing with another description, input schema or annotations is
// a changed tool. The hashes decide; the definition beside them is kept so
// that a change can be shown (see [ToolChange]).
type ToolPin struct {
	Name              string `json:"name"`               // as the server gave it
	SchemaSHA256      string `json:"schema_sha256"`      // of the input schema as sent (members sorted)
	DescriptionSHA256 string `json:"description_sha256"` // of title and description
	// AnnotationsSHA256 is of the annotations as JSON (members sorted;
	// "null" when none). A pin recorded before annotations were pinned
	// has none: its annotations are taken as they are next listed.
	AnnotationsSHA256 string `json:"annotations_sha256,omitempty"`

	// The definition pinned; empty in a pin recorded before definitions
	// were kept, which has only its hashes.
	Title       string          `json:"title,omitempty"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"input_schema,omitempty"` // as sent, members sorted
	Annotations json.RawMessage `json:"annotations,omitempty"`  // members sorted; absent when none
}

// A PinStore keeps the pinned tools of each server, by server name (the
// client's [WithName]). [FilePinStore] keeps them in a file.
type PinStore interface {
	// LoadPins returns the server's pins by tool name; none is nil, nil.
	LoadPins(ctx context.Context, server string) (map[string]ToolPin, error)
	// SavePins records pins of the server's tools: each replaces the pin
	// of the same tool, and the server's other pins are kept, so that two
	// processes recording different tools at once both keep theirs.
	SavePins(ctx context.Context, server string, pins map[string]ToolPin) error
}

// A ToolChange is a listed tool whose definition differs from its pin.
// Saving Now as the tool's pin accepts the change:
//
//	store.SavePins(ctx, ch.Server, map[string]ToolPin{ch.Tool: ch.Now})
type ToolChange struct {
	Server  string
	Tool    string   // as the server gave it
	Changed []string // of "description", "schema", "annotations", in that order
	Pinned  ToolPin  // the definition accepted before
	Now     ToolPin  // the definition the server offers now
}

// Error describes the change; it matches [ErrToolChanged].
func (c *ToolChange) Error() string {
	return fmt.Sprintf("mcp server %q: tool %q: tool definition changed since it was pinned (%s changed)", c.Server, c.Tool, joinAnd(c.Changed))
}

// Is makes a *ToolChange match [ErrToolChanged].
func (c *ToolChange) Is(target error) bool { return target == ErrToolChanged }

// joinAnd joins "a", "a and b", "a, b and c".
func joinAnd(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// WithToolPins records each tool's definition (name, input schema,
// description and annotations, with their hashes) in store the first time
// the client lists it (trust on first use), and compares later listings
// with it, so that a server cannot silently swap a tool's description,
// schema or annotations under a model (or a user) that learnt to trust it.
// A changed tool is reported with a warning on the client's logger and to
// onChange (may be nil), and its new definition is pinned; with strict, it
// is refused instead: left out of [Client.Tools], reported in
// [Client.SkippedTools] with a [*ToolChange] (matching [ErrToolChanged]),
// not callable, and its old pin kept until the change is accepted (its
// Now saved in the store). New tools are pinned as they appear. A store
// that fails makes the listing fail: pins that cannot be checked protect
// nothing.
func WithToolPins(store PinStore, strict bool) Option {
	return func(o *options) error {
		if store == nil {
			return optErr("WithToolPins", "nil store")
		}
		o.pins, o.pinsStrict = store, strict
		return nil
	}
}

// WithToolChanged registers fn to be told of each changed tool
// [WithToolPins] finds (in both modes). fn must not call the client.
func WithToolChanged(fn func(ToolChange)) Option {
	return func(o *options) error {
		if fn == nil {
			return optErr("WithToolChanged", "nil function")
		}
		o.pinChanged = fn
		return nil
	}
}

// pinOf computes a tool's pin.
func pinOf(t Tool) ToolPin {
	schema := t.ServerInputSchema
	if schema == nil {
		schema = t.InputSchema
	}
	schema = canonical(schema)
	var annotations json.RawMessage
	if t.Annotations != nil {
		if b, err := json.Marshal(t.Annotations); err == nil {
			annotations = canonical(b)
		}
	}
	annotationsHash := hashString("null")
	if annotations != nil {
		annotationsHash = hashString(string(annotations))
	}
	return ToolPin{
		Name:              t.OriginalName,
		SchemaSHA256:      hashString(string(schema)),
		DescriptionSHA256: hashString(t.Title + "\x00" + t.Description),
		AnnotationsSHA256: annotationsHash,
		Title:             t.Title,
		Description:       t.Description,
		InputSchema:       schema,
		Annotations:       annotations,
	}
}

// canonical is a JSON value with its object members sorted, so that a
// server re-ordering them is not a change; not JSON, it is kept as it is.
func canonical(raw json.RawMessage) json.RawMessage {
	var v any
	if json.Unmarshal(raw, &v) == nil {
		if b, err := json.Marshal(v); err == nil {
			return b
		}
	}
	return raw
}

func hashString(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// checkPins compares a fresh listing with the pins, records new and (not
// strict) changed tools, and in strict mode moves changed tools to
// skipped.
func (c *Client) checkPins(ctx context.Context, ts *toolSet) error {
	store := c.opts.pins
	pins, err := store.LoadPins(ctx, c.name)
	if err != nil {
		return fmt.Errorf("mcp server %q: reading the tool pins: %w", c.name, err)
	}
	if pins == nil {
		pins = map[string]ToolPin{}
	}
	save := map[string]ToolPin{} // new, changed (not strict) and completed pins
	var refused []int
	for i, t := range ts.list {
		now := pinOf(t)
		old, ok := pins[t.OriginalName]
		if !ok {
			save[t.OriginalName] = now
			continue
		}
		var changed []string
		if old.DescriptionSHA256 != now.DescriptionSHA256 {
			changed = append(changed, "description")
		}
		if old.SchemaSHA256 != now.SchemaSHA256 {
			changed = append(changed, "schema")
		}
		if old.AnnotationsSHA256 != "" && old.AnnotationsSHA256 != now.AnnotationsSHA256 {
			changed = append(changed, "annotations")
		}
		if changed == nil {
			if old.AnnotationsSHA256 == "" {
				save[t.OriginalName] = now // an older pin: the same tool, recorded whole
			}
			continue
		}
		ch := &ToolChange{Server: c.name, Tool: t.OriginalName, Changed: changed, Pinned: old, Now: now}
		if c.opts.pinChanged != nil {
			c.opts.pinChanged(*ch)
		}
		if c.opts.pinsStrict {
			c.opts.logger.Warn("mcp tool changed since pinned; refused", "server", c.name, "tool", t.OriginalName, "changed", changed)
			refused = append(refused, i)
			ts.skipped = append(ts.skipped, SkippedTool{Name: t.OriginalName, Err: ch})
			ts.invalid[t.OriginalName], ts.invalid[t.Name] = ch, ch
			continue
		}
		c.opts.logger.Warn("mcp tool changed since pinned", "server", c.name, "tool", t.OriginalName, "changed", changed)
		save[t.OriginalName] = now
	}
	if len(refused) > 0 {
		for _, i := range slices.Backward(refused) {
			ts.list = slices.Delete(ts.list, i, i+1)
		}
		clear(ts.byName)
		for i, t := range ts.list {
			ts.byName[t.Name] = i
		}
		for i, t := range ts.list {
			if _, ok := ts.byName[t.OriginalName]; !ok {
				ts.byName[t.OriginalName] = i
			}
		}
	}
	if len(save) > 0 {
		if err := store.SavePins(ctx, c.name, save); err != nil {
			return fmt.Errorf("mcp server %q: recording the tool pins: %w", c.name, err)
		}
	}
	return nil
}
