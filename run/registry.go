package run

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mcprun/mcprun/mcpclient"
	"github.com/mcprun/mcprun/mistral"
)

// A toolRef is where a declared tool name leads: a Go function or an MCP
// server's tool.
type toolRef struct {
	fn          *Function
	src         *mcpSource
	original    string // the MCP tool's own name
	annotations *mcp.ToolAnnotations
	confirm     bool // calls wait for a decision
}

func (t toolRef) server() string {
	if t.src != nil {
		return t.src.client.Name()
	}
	return ""
}

// toolTable is the set of tools one run declares.
type toolTable struct {
	decls  []mistral.Tool // function tools only, in registration order
	byName map[string]toolRef
	params map[string]json.RawMessage // each tool's parameters, as declared
	lists  [2]*ToolList               // list(false), list(true): made once, with their specs
}

// buildTable lists the tools of every function and MCP client. MCP tool lists
// are cached by mcpclient and refreshed on tools/list_changed, so each run
// sees the current list at little cost.
func (r *Runner) buildTable(ctx context.Context) (*toolTable, error) {
	// The table is rebuilt only when an MCP server's tools may have
	// changed: every run and every tool turn asks for it.
	gens := make([]uint64, len(r.cfg.mcps))
	for i, src := range r.cfg.mcps {
		gens[i] = src.client.ToolsGeneration()
	}
	if c := r.table.Load(); c != nil && slices.Equal(c.gens, gens) {
		return c.table, nil
	}
	t, err := r.listTable(ctx)
	if err != nil {
		return nil, err
	}
	t.makeLists()
	r.table.Store(&cachedTable{table: t, gens: gens})
	return t, nil
}

// cachedTable is a tool table and the MCP servers' tool generations it
// was built at.
type cachedTable struct {
	table *toolTable
	gens  []uint64
}

// listTable builds the tool table from the functions and the MCP servers'
// current tool lists.
func (r *Runner) listTable(ctx context.Context) (*toolTable, error) {
	t := &toolTable{byName: map[string]toolRef{}, params: map[string]json.RawMessage{}}
	strict := true
	origin := map[string]string{}
	add := func(name, desc string, params json.RawMessage, ref toolRef, from string) error {
		if prev, dup := origin[name]; dup {
			return fmt.Errorf("%w: %q is offered by %s and by %s; give one of them a Prefix", ErrDuplicateTool, name, prev, from)
		}
		origin[name] = from
		t.byName[name] = ref
		t.params[name] = params
		t.decls = append(t.decls, mistral.Tool{Type: "function", Function: &mistral.FunctionTool{
			Name: name, Description: desc, Parameters: params, Strict: &strict,
		}})
		return nil
	}
	for _, f := range r.cfg.functions {
		if err := add(f.name, f.description, f.schema, toolRef{fn: f, confirm: f.confirm}, "a Go function"); err != nil {
			return nil, err
		}
	}
	for _, src := range r.cfg.mcps {
		if r.down[src] {
			continue // did not start: see Unavailable
		}
		tools, err := src.client.Tools(ctx)
		if err != nil {
			return nil, fmt.Errorf("run: listing the tools of MCP server %s: %w", src.client.Name(), err)
		}
		for _, tool := range tools {
			if !src.offers(tool) {
				continue
			}
			desc := tool.Description
			if desc == "" {
				desc = tool.Title
			}
			name := src.exposedName(tool)
			if err := add(name, desc, mcpParams(tool), toolRef{src: src, original: tool.OriginalName, annotations: tool.Annotations, confirm: src.confirms(tool)}, "MCP server "+src.client.Name()); err != nil {
				return nil, err
			}
		}
	}
	return t, nil
}

// mcpParams returns the tool's input schema, or an empty object schema
// for a tool that declares none.
func mcpParams(t mcpclient.Tool) json.RawMessage {
	if len(t.InputSchema) == 0 || strings.TrimSpace(string(t.InputSchema)) == "null" {
		return json.RawMessage(`{"type":"object","properties":{}}`)
	}
	return t.InputSchema
}

// list describes the table for the loop. refresh: list again after each
// turn (MCP servers may change their tools).
func (t *toolTable) list(refresh bool) *ToolList {
	i := 0
	if refresh {
		i = 1
	}
	return t.lists[i]
}

// makeLists makes the table's ToolLists, and what the loop derives from
// them: a table is kept across runs while the tools stay the same.
func (t *toolTable) makeLists() {
	for i, refresh := range []bool{false, true} {
		l := t.makeList(refresh)
		if specs, err := newToolSpecs(l); err == nil && len(l.Tools) > 0 {
			l.specs, l.base = specs, &l.Tools[0]
		}
		t.lists[i] = l
	}
}

func (t *toolTable) makeList(refresh bool) *ToolList {
	l := &ToolList{Refresh: refresh, Tools: make([]ToolInfo, 0, len(t.decls))}
	for _, d := range t.decls {
		name := d.Function.Name
		ref := t.byName[name]
		l.Tools = append(l.Tools, ToolInfo{
			Name: name, Description: d.Function.Description, Parameters: t.params[name],
			Server: ref.server(), MCPName: ref.original, Annotations: ref.annotations, Confirm: ref.confirm,
		})
	}
	return l
}

// names returns the declared function names.
func (t *toolTable) names() map[string]bool {
	m := make(map[string]bool, len(t.byName))
	for n := range t.byName {
		m[n] = true
	}
	return m
}
