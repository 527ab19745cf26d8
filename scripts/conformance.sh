#!/usr/bin/env bash
# Runs every client scenario of the official MCP conformance suite
# (@modelcontextprotocol/conformance, installed by scripts/install-tools.sh) against
# conformance/client, one at a time, under Node 22. Logs go to .cache/conformance/<scenario>.log.
#
# conformance/baseline.txt lists the scenarios expected to fail. Exits non-zero if a scenario
# not in the baseline fails, or if a baseline scenario passes (the baseline only shrinks).
#
# Environment: MCPRUN_NODE, MCPRUN_NODE_MODULES (from .cache/tools.env);
# CONFORMANCE_TIMEOUT (seconds per scenario, default 60); CONFORMANCE_SCENARIOS (space-separated
# names to run instead of all of them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ -z "${MCPRUN_NODE:-}" ] || [ -z "${MCPRUN_NODE_MODULES:-}" ]; then
  if [ ! -f .cache/tools.env ]; then
    mkdir -p .cache
    bash scripts/install-tools.sh >.cache/tools.env.tmp
    mv .cache/tools.env.tmp .cache/tools.env
  fi
  # shellcheck disable=SC1091
  source .cache/tools.env
fi
node=$MCPRUN_NODE
suite=$MCPRUN_NODE_MODULES/@modelcontextprotocol/conformance/dist/index.js
[ -x "$node" ] || { echo "conformance: no node at $node (run scripts/install-tools.sh)" >&2; exit 1; }
[ -f "$suite" ] || { echo "conformance: no conformance suite at $suite (run scripts/install-tools.sh)" >&2; exit 1; }
timeout_s=${CONFORMANCE_TIMEOUT:-60}

client=$root/.cache/bin/conformance-client
go build -o "$client" ./conformance/client

logdir=$root/.cache/conformance
rm -rf "$logdir"
mkdir -p "$logdir/results"

# Expected failures: one scenario per line, '#' starts a comment.
declare -A baseline=()
if [ -f conformance/baseline.txt ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%#*}
    line=$(echo "$line" | tr -d '[:space:]')
    [ -n "$line" ] && baseline[$line]=1
  done <conformance/baseline.txt
fi

# Every client scenario the suite knows ("  - name [versions]" lines of `list --client`).
mapfile -t all < <("$node" "$suite" list --client | sed -n 's/^ *- \([^ ]*\).*/\1/p')
[ "${#all[@]}" -gt 0 ] || { echo "conformance: the suite listed no client scenarios" >&2; exit 1; }
for name in "${!baseline[@]}"; do
  if ! printf '%s\n' "${all[@]}" | grep -qxF -- "$name"; then
    echo "conformance: baseline names $name, which the suite does not have: remove it" >&2
    exit 1
  fi
done
scenarios=("${all[@]}")
if [ -n "${CONFORMANCE_SCENARIOS:-}" ]; then
  read -r -a scenarios <<<"$CONFORMANCE_SCENARIOS"
fi

passed=0 total=0
unexpected=() stale=()
for s in "${scenarios[@]}"; do
  total=$((total + 1))
  log=$logdir/$s.log
  mkdir -p "$(dirname "$log")"
  rc=0
  # The suite's own client timeout is a little shorter than ours, so that it
  # reports its checks; ours catches a hung suite.
  timeout --kill-after=5 "$timeout_s" "$node" "$suite" client \
    --command "$client" --scenario "$s" --timeout "$(((timeout_s - 5) * 1000))" \
    --output-dir "$logdir/results" >"$log" 2>&1 </dev/null || rc=$?
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -a -m1 -o 'Passed: [0-9]*/[0-9]*' || true)
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    summary="timed out after ${timeout_s}s"
  fi
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1))
    if [ -n "${baseline[$s]:-}" ]; then
      printf 'PASS           %s (%s) -- but it is in the baseline\n' "$s" "$summary"
      stale+=("$s")
    else
      printf 'PASS           %s (%s)\n' "$s" "$summary"
    fi
  elif [ -n "${baseline[$s]:-}" ]; then
    printf 'expected FAIL  %s (%s)\n' "$s" "${summary:-exit $rc}"
  else
    printf 'FAIL           %s (%s) see %s\n' "$s" "${summary:-exit $rc}" "${log#"$root"/}"
    unexpected+=("$s")
  fi
done

echo "$passed/$total passed"
status=0
if [ "${#unexpected[@]}" -gt 0 ]; then
  echo "conformance: unexpected failures: ${unexpected[*]}" >&2
  status=1
fi
for s in ${stale[@]+"${stale[@]}"}; do
  echo "conformance: baseline must shrink: remove $s from conformance/baseline.txt" >&2
  status=1
done
exit $status
