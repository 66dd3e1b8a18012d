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

# The route lesson typed by hand, as ip/nft commands in the sandbox host.
by_hand() {
  $lab task route --scope $scope >/dev/null
  $lab script route --scope $scope | $lab shell --scope $scope
  $lab reset --scope $scope >/dev/null
}
export -f by_hand
export lab scope

hyperfine -N --warmup 2 --runs 15 \
  "$lab run route --scope $scope" \
  --prepare "$lab reset --scope $scope"
hyperfine --warmup 1 --runs 10 -n "lab run route + reset" "$lab run route --scope $scope >/dev/null; $lab reset --scope $scope >/dev/null"
$lab run route --scope $scope >/dev/null
hyperfine -N --warmup 3 --runs 30 "$lab verify route --scope $scope" "$lab verify veth --scope $scope --json"
$lab reset --scope $scope >/dev/null
for l in veth bridge route; do
  $lab run $l --scope $scope >/dev/null
  hyperfine -N --warmup 3 --runs 30 "$lab verify $l --scope $scope" 2>/dev/null | grep -E "Time|verify"
  $lab reset --scope $scope >/dev/null
done
