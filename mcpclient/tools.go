package mcpclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// A Tool is a server's tool in the shape a model's function calling wants.
type Tool struct {
	// Name matches [A-Za-z0-9_-]{1,64} and is unique within the client.
	// Characters outside that set become '_'; names that collide after
	// that get a "_2", "_3"... suffix.
	Name string
	// OriginalName is the name the server gave, used for the call.
	OriginalName string
	Title        string
	Description  string
	// InputSchema is the server's inputSchema with $refs inlined and
	// otherwise unchanged, or {"type":"object","properties":{}} if missing.
	InputSchema json.RawMessage
	// OutputSchema is the server's outputSchema, $refs inlined; nil if none.
	OutputSchema json.RawMessage
	// ServerInputSchema is the inputSchema as the server sent it (JSON
	// Schema 2020-12, every keyword kept: $schema, $defs, $anchor,
	// composition, conditionals, extensions such as x-mcp-header); only
	// the order of object members may differ. Nil if the server sent none.
	// InputSchema is the view of it made for a model's function calling.
	ServerInputSchema json.RawMessage
	Annotations       *mcp.ToolAnnotations
}

// A ToolResult is the server's answer to [Client.CallTool]: what the tool
// returned, success or its own error result. A call that could not be made
// or answered is an error from CallTool instead, never a ToolResult.
type ToolResult struct {
	// Text is what a model reads; see [RenderResult].
	Text string
	// IsError says the tool reported an error (isError in its result).
	// The result is still an answer for the model, which may act on it.
	IsError bool
	// Raw is the server's result.
	Raw *mcp.CallToolResult
}

// toolSet is one listing of a server's tools.
type toolSet struct {
	list    []Tool
	byName  map[string]int   // sanitised and original names → index in list
	invalid map[string]error // tools skipped for a bad schema, by both names
	skipped []SkippedTool    // what the listing left out, in the server's order
}

// A SkippedTool is a tool the server lists that the client does not offer,
// and why: an input schema it cannot use (one with a $ref to another
// document among them: it is never fetched), invalid x-mcp-header
// annotations ([ErrInvalidToolHeaders]), or a name listed twice.
type SkippedTool struct {
	Name string // as the server gave it
	Err  error
}

// buildToolSet sanitises names and schemas. Tools with an invalid
// inputSchema and second tools with an already-seen name are skipped with
// a warning.
func (c *Client) buildToolSet(tools []*mcp.Tool) *toolSet {
	ts := &toolSet{byName: make(map[string]int, 2*len(tools)), invalid: map[string]error{}}
	seen := map[string]bool{}
	for _, t := range tools {
		if t == nil {
			continue
		}
		if seen[t.Name] {
			c.opts.logger.Warn("mcp server lists two tools with the same name; keeping the first", "server", c.name, "tool", t.Name)
			ts.skipped = append(ts.skipped, SkippedTool{Name: t.Name, Err: errors.New("a second tool with this name (the first is kept)")})
			continue
		}
		seen[t.Name] = true
		in, err := inputSchema(t.InputSchema)
		if err != nil {
			c.opts.logger.Warn("skipping mcp tool with an invalid input schema", "server", c.name, "tool", t.Name, "error", err)
			ts.invalid[t.Name] = err
			ts.invalid[sanitizeName(t.Name)] = err
			ts.skipped = append(ts.skipped, SkippedTool{Name: t.Name, Err: err})
			continue
		}
		var raw json.RawMessage
		if t.InputSchema != nil {
			raw, _ = json.Marshal(t.InputSchema) // it was decoded from JSON
		}
		ts.list = append(ts.list, Tool{
			ServerInputSchema: raw,
			OriginalName:      t.Name,
			Title:             t.Title,
			Description:       t.Description,
			InputSchema:       in,
			OutputSchema:      outputSchema(t.OutputSchema),
			Annotations:       t.Annotations,
		})
	}
	// Tools the go-sdk left out of the listing for their x-mcp-header
	// annotations: reported, and a call by their name refused with why.
	rejects := c.rawTools.dropped(seen)
	for _, name := range slices.Sorted(maps.Keys(rejects)) {
		err := rejects[name]
		c.opts.logger.Warn("skipping mcp tool with invalid x-mcp-header annotations", "server", c.name, "tool", name, "error", err)
		ts.invalid[name] = err
		ts.invalid[sanitizeName(name)] = err
		ts.skipped = append(ts.skipped, SkippedTool{Name: name, Err: err})
	}
	// Names that are valid as they are keep them; the others are sanitised
	// and, if that collides, suffixed.
	taken := map[string]bool{}
	for i := range ts.list {
		t := &ts.list[i]
		if sanitizeName(t.OriginalName) == t.OriginalName {
			t.Name = t.OriginalName
			taken[t.Name] = true
		}
	}
	for i := range ts.list {
		t := &ts.list[i]
		if t.Name != "" {
			continue
		}
		base := sanitizeName(t.OriginalName)
		t.Name = uniqueName(base, taken)
		taken[t.Name] = true
		if t.Name != base {
			c.opts.logger.Warn("mcp tool name collides after sanitising; renamed", "server", c.name, "tool", t.OriginalName, "name", t.Name)
		}
	}
	for i, t := range ts.list {
		ts.byName[t.Name] = i
	}
	for i, t := range ts.list {
		if _, ok := ts.byName[t.OriginalName]; !ok {
			ts.byName[t.OriginalName] = i
		}
	}
	return ts
}

// Tools returns the server's tools (all pages). The list is cached, and
// listed again after notifications/tools/list_changed or a reconnect.
func (c *Client) Tools(ctx context.Context) ([]Tool, error) {
	ts, err := c.toolSet(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Clone(ts.list), nil
}

// SkippedTools returns the tools of the server's listing that [Client.Tools]
// leaves out, with the reason (`mcprun tools` shows them).
func (c *Client) SkippedTools(ctx context.Context) ([]SkippedTool, error) {
	ts, err := c.toolSet(ctx)
	if err != nil {
		return nil, err
	}
	return slices.Clone(ts.skipped), nil
}

// ToolsGeneration is a number that changes whenever the server's tool list
// may have changed (notifications/tools/list_changed, a reconnect). What a
// caller built from [Client.Tools] stays valid while it is the same: read it
// before calling Tools.
func (c *Client) ToolsGeneration() uint64 {
	c.toolsMu.Lock()
	defer c.toolsMu.Unlock()
	return c.toolsGen
}

func (c *Client) toolSet(ctx context.Context) (*toolSet, error) {
	c.toolsMu.Lock()
	ts, gen := c.tools, c.toolsGen
	c.toolsMu.Unlock()
	if ts != nil {
		return ts, nil
	}
	raw, err := safe(ctx, c, "list tools", func(ctx context.Context, cs *mcp.ClientSession) ([]*mcp.Tool, error) {
		return collect(cs.Tools(ctx, nil))
	})
	if err != nil {
		return nil, err
	}
	ts = c.buildToolSet(raw)
	if c.opts.pins != nil {
		if err := c.checkPins(ctx, ts); err != nil {
			return nil, err
		}
	}
	c.toolsMu.Lock()
	if c.toolsGen == gen {
		c.tools = ts
	}
	c.toolsMu.Unlock()
	return ts, nil
}

// toolsStale drops the cached list; with a WithToolsChanged callback it
// lists the tools again in the background and reports them.
func (c *Client) toolsStale(notify bool) {
	c.toolsMu.Lock()
	c.tools = nil
	c.toolsGen++
	c.toolsMu.Unlock()
	if !notify || c.opts.toolsChanged == nil || !c.refreshing.CompareAndSwap(false, true) {
		return
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		c.refreshing.Store(false)
		return
	}
	c.wg.Add(1)
	c.mu.Unlock()
	// Not on the notification's goroutine: listing from there could wait
	// on the very connection reader that delivers the answer.
	go func() {
		defer c.wg.Done()
		defer c.refreshing.Store(false)
		ts, err := c.toolSet(c.life)
		if err != nil {
			c.opts.logger.Warn("listing mcp tools after list_changed failed", "server", c.name, "error", err)
			return
		}
		c.opts.toolsChanged(slices.Clone(ts.list))
	}()
}

// relist lists the tools after a reconnect, and reports them if they
// changed.
func (c *Client) relist() {
	c.toolsMu.Lock()
	old := c.tools
	c.toolsMu.Unlock()
	c.toolsStale(false)
	ctx, cancel := context.WithTimeout(c.life, max(c.opts.callTimeout, time.Second))
	defer cancel()
	ts, err := c.toolSet(ctx)
	if err != nil {
		c.opts.logger.Warn("listing mcp tools after reconnect failed", "server", c.name, "error", err)
		return
	}
	if c.opts.toolsChanged != nil && (old == nil || !sameTools(old.list, ts.list)) {
		c.opts.toolsChanged(slices.Clone(ts.list))
	}
}

func sameTools(a, b []Tool) bool {
	return slices.EqualFunc(a, b, func(x, y Tool) bool {
		return x.Name == y.Name && x.Description == y.Description && bytes.Equal(x.InputSchema, y.InputSchema)
	})
}

// lookup finds a tool by its sanitised or original name.
func (c *Client) lookup(ctx context.Context, name string) (*Tool, error) {
	ts, err := c.toolSet(ctx)
	if err != nil {
		return nil, err
	}
	if i, ok := ts.byName[name]; ok {
		return &ts.list[i], nil
	}
	if err, ok := ts.invalid[name]; ok {
		return nil, fmt.Errorf("mcp server %q: tool %q: %w: %w", c.name, name, ErrInvalidTool, err)
	}
	return nil, fmt.Errorf("mcp server %q: %w: %q", c.name, ErrToolNotFound, name)
}

// CallTool calls a tool by its sanitised or original name with args, a
// JSON object (empty or "null" means no arguments).
//
// A tool call has two failure channels. The server's answer comes back as
// a [ToolResult] with a nil error, including the tool's own error result
// (IsError set): that is an answer the model reads. Everything else is an
// error and a nil result:
//   - [ErrClosed], [ErrNotConnected], [ErrToolNotFound], [ErrInvalidTool],
//     [ErrInvalidArguments] (args is not a JSON object): nothing was called;
//   - the caller's ctx ending (matching ctx.Err());
//   - a [*ServerError] otherwise, naming the server and the tool: the call
//     ran past [WithCallTimeout] (matching [ErrCallTimeout]; the server is
//     sent notifications/cancelled), the server rejected the call with a
//     JSON-RPC error (matching *jsonrpc.Error, e.g. invalid params), or the
//     server is unreachable or the connection broke during the call
//     (matching [ErrConnectionLost]).
//
// A tool call is never retried: the supervisor restarts the server, and the
// next call goes to the new one.
func (c *Client) CallTool(ctx context.Context, name string, args json.RawMessage) (*ToolResult, error) {
	t, err := c.lookup(ctx, name)
	if err != nil {
		return nil, err
	}
	// The operation's name is formatted only on the error paths: a call
	// that succeeds formats nothing.
	op := func() string { return fmt.Sprintf("call tool %q", t.OriginalName) }
	params := &mcp.CallToolParams{Name: t.OriginalName}
	if a := bytes.TrimSpace(args); len(a) > 0 && !bytes.Equal(a, []byte("null")) {
		if !json.Valid(a) || a[0] != '{' {
			return nil, fmt.Errorf("mcp server %q: %s: %w, got %.200q", c.name, op(), ErrInvalidArguments, a)
		}
		params.Arguments = json.RawMessage(a) // sent as is: no re-marshalling
	}
	var token string
	if c.opts.progress != nil || c.opts.progressCap > 0 {
		token = c.progressToken(t.OriginalName)
		params.SetProgressToken(token)
	}
	cs, h, err := c.acquire(ctx)
	if err != nil {
		return nil, err
	}
	var cctx context.Context
	var cancel context.CancelFunc
	if c.opts.progressCap > 0 {
		cctx, cancel = c.progressCallCtx(ctx, token)
	} else {
		cctx, cancel = c.callCtx(ctx)
	}
	res, err := cs.CallTool(cctx, params)
	cause := context.Cause(cctx)
	cancel()
	if err == nil {
		text, isErr := RenderResult(res)
		return &ToolResult{Text: text, IsError: isErr, Raw: res}, nil
	}
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("mcp server %q: %s: %w", c.name, op(), ctx.Err())
	case c.life.Err() != nil:
		return nil, fmt.Errorf("mcp server %q: %s: %w", c.name, op(), ErrClosed)
	case errors.Is(cause, ErrCallTimeout):
		return nil, c.serverError(op(), cause)
	}
	if !lostConn(h, err) {
		// A JSON-RPC error (the server rejected the call), or another
		// failure that leaves the session usable.
		return nil, c.serverError(op(), err)
	}
	// Wait (briefly) for the session to be torn down, so that the error
	// carries the whole stderr of a crashed child.
	timer := time.NewTimer(3 * time.Second)
	select {
	case <-c.drop(cs, err):
	case <-timer.C:
	case <-ctx.Done():
	}
	timer.Stop()
	lost := op() + " (not retried; the server is being restarted)"
	var se *ServerError
	if last := c.lastErrSafe(); errors.As(last, &se) {
		// Built from se, with stderr read again: it may have grown.
		return nil, c.serverError(lost, se.Err)
	}
	return nil, c.serverError(lost, fmt.Errorf("%w: %v", ErrConnectionLost, err))
}
