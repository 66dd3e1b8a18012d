#!/usr/bin/env bash
# Whole-process timings of the lab next to the same lesson typed by hand, in
# scopes of their own. Measures; asserts nothing. Needs root and hyperfine
# (installed from Debian's packages when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
lab=./bin/lab
scope=bench1
cleanup() { $lab reset --scope $scope >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "== the route lesson typed by hand (scripts/route-by-hand.sh) vs lab run route + reset"
hyperfine --warmup 1 --runs 5 -n "by hand" "bash scripts/route-by-hand.sh bh" \
  -n "lab run route + reset" "$lab run route --scope $scope >/dev/null; $lab reset --scope $scope >/dev/null"
echo "== lab verify, whole process"
for l in veth bridge route; do
  $lab run $l --scope $scope >/dev/null
  hyperfine -N --warmup 3 --runs 30 "$lab verify $l --scope $scope"
  $lab reset --scope $scope >/dev/null
done
