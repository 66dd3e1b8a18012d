#!/usr/bin/env bash
# Runs each fuzz target (PKG:FUNC) for FUZZTIME, all at once: one worker
# each, so two targets share the machine's two cores instead of taking
# turns. Prints a target's output when it fails, and fails then.
set -uo pipefail
time=${FUZZTIME:-10s}
go=${GO:-go}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pids=() names=()
for t in "$@"; do
  pkg=${t%%:*} fn=${t##*:}
  echo "fuzz $fn in $pkg for $time"
  $go test -run '^$' -fuzz "^$fn\$" -fuzztime "$time" -fuzzminimizetime 1s -parallel 1 "$pkg" >"$dir/$fn.log" 2>&1 &
  pids+=($!) names+=("$fn")
done
status=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "fuzz ${names[$i]} failed:"
    cat "$dir/${names[$i]}.log"
    status=1
  fi
done
exit $status
