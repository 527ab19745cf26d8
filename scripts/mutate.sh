#!/usr/bin/env bash
# make mutate: a short mutation run, with gremlins (github.com/go-gremlins/gremlins),
# over the code whose every branch matters: the run loop (run/steps.go, loop.go, agent.go),
# the mistral client's request and retry logic (mistral/client.go) and the OAuth flow
# (mcpclient/oauth/flow.go). Each mutant (a condition negated or its boundary moved, + and -
# swapped, ++ and -- swapped, a sign dropped) is built and its package's tests run; a mutant the
# tests do not notice "lived".
#
# scripts/mutate-equivalent.txt lists the mutants judged equivalent (no test can tell them
# from the original), each with why. The kill rate is killed / (killed + lived), counting only
# mutants the tests cover and leaving the equivalent ones out; the run fails below
# MUTATE_TARGET percent (default 90). Results: .cache/mutate/<pkg>.json and .log.
#
# Environment: GREMLINS (the binary; `make mutate` installs a pinned one into .cache/bin),
# MUTATE_TARGET, MUTATE_WORKERS (default 2), MUTATE_ONLY (some of the packages below, space-separated, to run just those).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
gremlins=${GREMLINS:-$root/.cache/bin/gremlins}
target=${MUTATE_TARGET:-90}
out=$root/.cache/mutate
mkdir -p "$out"
reports=()

# package: the files to mutate (the package's other files are left alone).
targets=(
  "run: steps.go loop.go agent.go"
  "mistral: client.go"
  "mcpclient/oauth: flow.go"
)

for t in "${targets[@]}"; do
  pkg=${t%%:*}
  files=" ${t#*:} "
  [ -z "${MUTATE_ONLY:-}" ] || [[ " $MUTATE_ONLY " == *" $pkg "* ]] || continue
  for f in $files; do
    [ -f "$pkg/$f" ] || { echo "mutate: $pkg/$f does not exist (update scripts/mutate.sh)" >&2; exit 1; }
  done
  exclude=(-E '/') # nor the package's subpackages (gremlins walks into them)
  for f in "$pkg"/*.go; do
    b=$(basename "$f")
    case "$b" in *_test.go) continue ;; esac
    [[ $files == *" $b "* ]] || exclude+=(-E "^${b//./\\.}\$")
  done
  name=${pkg//\//_}
  echo "mutate: $pkg ($files)"
  # gremlins times each mutant's tests out at a multiple of the coverage
  # run's time: -count=1 keeps that run from being a cached one, and a large
  # multiple keeps a run slowed by a busy machine from counting as a hang.
  GOFLAGS="${GOFLAGS:-} -count=1" "$gremlins" unleash --workers "${MUTATE_WORKERS:-2}" --timeout-coefficient 10 \
    -o "$out/$name.json" "${exclude[@]}" "./$pkg" >"$out/$name.log" 2>&1 ||
    { cat "$out/$name.log" >&2; exit 1; }
  reports+=("$pkg=$out/$name.json")
done

go run scripts/mutatereport.go -target "$target" -equivalent scripts/mutate-equivalent.txt "${reports[@]}"
