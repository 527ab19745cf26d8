package mcpclient

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// ErrToolChanged is matched by the error of a tool whose definition is not
// the one pinned the first time the client saw it (see [WithToolPins]).
var ErrToolChanged = errors.New("mcpclient: tool definition changed since it was pinned")

// A ToolPin is what is recorded of a tool the first time it is listed: a
// later listing with another description or input schema is a changed tool.
type ToolPin struct {
	Name              string `json:"name"`               // as the server gave it
	SchemaSHA256      string `json:"schema_sha256"`      // of the input schema as sent (members sorted)
	DescriptionSHA256 string `json:"description_sha256"` // of title and description
}

// A PinStore keeps the pinned tools of each server, by server name (the
// client's [WithName]). [FilePinStore] keeps them in a file.
type PinStore interface {
	// LoadPins returns the server's pins by tool name; none is nil, nil.
	LoadPins(ctx context.Context, server string) (map[string]ToolPin, error)
	// SavePins records the server's pins, replacing the previous ones.
	SavePins(ctx context.Context, server string, pins map[string]ToolPin) error
}

// A ToolChange is a listed tool whose definition differs from its pin.
type ToolChange struct {
	Server  string
	Tool    string   // as the server gave it
	Changed []string // "description", "schema"
}

// Error describes the change; it matches [ErrToolChanged].
func (c *ToolChange) Error() string {
	return fmt.Sprintf("mcp server %q: tool %q: tool definition changed since it was pinned (%s changed)", c.Server, c.Tool, joinAnd(c.Changed))
}

// Is makes a *ToolChange match [ErrToolChanged].
func (c *ToolChange) Is(target error) bool { return target == ErrToolChanged }

func joinAnd(s []string) string {
	if len(s) == 2 {
		return s[0] + " and " + s[1]
	}
	return s[0]
}

// WithToolPins records each tool's definition (name, input schema and
// description hashes) in store the first time the client lists it (trust
// on first use), and compares later listings with it, so that a server
// cannot silently swap a tool's description or schema under a model that
// learnt to trust it. A changed tool is reported with a warning on the
// client's logger and to onChange (may be nil), and its new definition is
// pinned; with strict, it is refused instead: left out of [Client.Tools],
// reported in [Client.SkippedTools] with a [*ToolChange] (matching
// [ErrToolChanged]), not callable, and its old pin kept until the pin is
// removed from the store. New tools are pinned as they appear. A store
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
	return ToolPin{Name: t.OriginalName, SchemaSHA256: canonicalHash(schema), DescriptionSHA256: hashString(t.Title + "\x00" + t.Description)}
}

// canonicalHash hashes a JSON value with its object members sorted, so
// that a server re-ordering them is not a change.
func canonicalHash(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) == nil {
		if b, err := json.Marshal(v); err == nil {
			raw = b
		}
	}
	return hashString(string(raw))
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
	dirty := false
	var refused []int
	for i, t := range ts.list {
		now := pinOf(t)
		old, ok := pins[t.OriginalName]
		if !ok {
			pins[t.OriginalName], dirty = now, true
			continue
		}
		var changed []string
		if old.DescriptionSHA256 != now.DescriptionSHA256 {
			changed = append(changed, "description")
		}
		if old.SchemaSHA256 != now.SchemaSHA256 {
			changed = append(changed, "schema")
		}
		if changed == nil {
			continue
		}
		ch := &ToolChange{Server: c.name, Tool: t.OriginalName, Changed: changed}
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
		pins[t.OriginalName], dirty = now, true
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
	if dirty {
		if err := store.SavePins(ctx, c.name, pins); err != nil {
			return fmt.Errorf("mcp server %q: recording the tool pins: %w", c.name, err)
		}
	}
	return nil
}
