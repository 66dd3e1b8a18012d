#!/usr/bin/env bash
# Whole-process timings of lab next to the same work done another way, each
# with its ratio and the target it is held to (docs/performance.md). Measures;
# asserts nothing. Needs root, hyperfine, jq and GNU time (installed from
# Debian's packages when missing). Every lab it runs is in a scope of its
# own, reset at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
for p in hyperfine:hyperfine jq:jq /usr/bin/time:time tmux:tmux tcpdump:tcpdump; do
  command -v "${p%%:*}" >/dev/null || { apt-get update -qq && apt-get install -y -qq "${p##*:}" >/dev/null; }
done
lab=$PWD/bin/lab
scope=bench1
tmp=$(mktemp -d)
scopes=()
cleanup() {
  $lab reset --scope $scope >/dev/null 2>&1 || true
  for s in "${scopes[@]}"; do $lab reset --scope "$s" >/dev/null 2>&1 || true; done
  tmux kill-session -t cnilab-bench 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# mean NAME CMD...: the mean wall time of CMD in ms, best of a warm series.
mean() {
  local runs=${RUNS:-30}
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$tmp/h.json" "$@" >/dev/null 2>&1 ||
    hyperfine --warmup 3 --runs "$runs" --export-json "$tmp/h.json" "$@" >/dev/null
  jq -r '.results[0].mean * 1000' "$tmp/h.json"
}
row() { # what, ms, other what, other ms, target
  awk -v w="$1" -v a="$2" -v o="$3" -v b="$4" -v t="$5" 'BEGIN {
    r = (b > 0) ? sprintf("%.1fx", (a > b ? a / b : b / a)) : "";
    if (b > 0 && a <= b) r = r " faster"; else if (b > 0) r = r " slower";
    printf "| %-34s | %8.1f ms | %-40s | %8s | %-14s | %s\n", w, a, o, (b > 0 ? sprintf("%.1f ms", b) : ""), r, t }'
}
printf '| %-34s | %11s | %-40s | %8s | %-14s | %s\n' "what" "lab" "the same work another way" "" "ratio" "target"

# Start-up, against an empty Go program built here.
mkdir -p "$tmp/empty"
printf 'package main\n\nfunc main() {}\n' >"$tmp/empty/main.go"
printf 'module empty\n\ngo 1.26\n' >"$tmp/empty/go.mod"
(cd "$tmp/empty" && CGO_ENABLED=0 go build -o "$tmp/emptygo" .)
empty=$(mean "$tmp/emptygo")
row "lab --help" "$(mean "$lab --help")" "an empty Go program" "$empty" "within 4x"
row "lab script veth" "$(mean "$lab script veth")" "an empty Go program" "$empty" "within 4x"
row "lab list" "$(mean "$lab list")" "an empty Go program" "$empty" "fast"

# Verify, against the same checks as bash graders.
$lab run veth --scope $scope >/dev/null
row "lab verify veth" "$(mean "$lab verify veth --scope $scope")" \
  "scripts/bench/grade-veth.sh (bash)" "$(mean "bash scripts/bench/grade-veth.sh $scope")" "2x faster"
$lab reset --scope $scope >/dev/null
$lab run route --scope $scope >/dev/null
row "lab verify route" "$(mean "$lab verify route --scope $scope")" \
  "scripts/bench/grade-route.sh (bash, tcpdump)" "$(RUNS=10 mean "bash scripts/bench/grade-route.sh $scope")" "5x faster"
$lab reset --scope $scope >/dev/null
for l in $($lab list --json | jq -r '.[].id'); do
  $lab run "$l" --scope $scope >/dev/null
  target="30 ms"
  [ "$l" = mycni ] && target="150 ms"
  row "lab verify $l" "$(RUNS=15 mean "$lab verify $l --scope $scope")" "" 0 "$target"
  $lab reset --scope $scope >/dev/null
done

# A whole lesson, against the same commands typed as a script.
row "lab run route + lab reset" "$(RUNS=10 mean "$lab run route --scope $scope >/dev/null; $lab reset --scope $scope >/dev/null")" \
  "scripts/route-by-hand.sh" "$(RUNS=5 mean "bash scripts/route-by-hand.sh bh")" "faster"

# A cluster at scale: ten nodes of article 000's shape, ten pods each, run and
# reset, per pod (issue 13's budget).
{
  printf 'name: my-cni-demo\npodcidr: 10.240.0.0/16\ninterface: ens32\nbridge: cni0\nnodeinfo:\n'
  for i in $(seq 0 9); do
    printf -- '- name: cni-node%02d\n  ip: 192.168.100.%d\n  podcidr: 10.240.%d.0/24\n' "$i" $((100 + i)) "$i"
  done
} >"$tmp/ten.yaml"
scale=$(RUNS=5 mean "sh -c '$lab run nodes --vars $tmp/ten.yaml --pods-per-node 10 --scope $scope >/dev/null; $lab reset --scope $scope >/dev/null'")
row "lab run nodes, 10 nodes x 10 pods + reset" "$scale" "per pod" "$(awk -v t="$scale" 'BEGIN {print t / 100}')" "10 ms a pod"

# A workshop on one VM: 50 scopes running lab run route at once.
n=${WORKSHOP:-50}
for i in $(seq 1 "$n"); do scopes+=("ws$i"); done
start=$(date +%s%N)
for s in "${scopes[@]}"; do
  /usr/bin/time -f %M -o "$tmp/$s.rss" $lab run route --scope "$s" >"$tmp/$s.out" 2>&1 &
done
fails=0
for job in $(jobs -p); do wait "$job" || fails=$((fails + 1)); done
wall=$(( ($(date +%s%N) - start) / 1000000 ))
maxrss=$(cat "$tmp"/ws*.rss | sort -n | tail -1)
sumrss=$(awk '{s += $1} END {print s}' "$tmp"/ws*.rss)
start=$(date +%s%N)
for s in "${scopes[@]}"; do $lab reset --scope "$s" >/dev/null & done
wait
reset=$(( ($(date +%s%N) - start) / 1000000 ))
printf '| %-34s | %8d ms | %-40s | %8s | %-14s | %s\n' "$n x lab run route at once" "$wall" \
  "$((n - fails)) of $n passed; peak RSS each $((maxrss / 1024)) MiB, all $((sumrss / 1024)) MiB" "" "" "all pass"
printf '| %-34s | %8d ms | %-40s | %8s | %-14s | %s\n' "$n x lab reset at once" "$reset" "" "" "" ""
scopes=()

# The walkthrough's memory: lab learn veth in tmux, after applying steps.
tmux new-session -d -s cnilab-bench -x 120 -y 40 "$lab learn veth --scope $scope; sleep 30"
pid=""
for _ in $(seq 50); do
  pid=$(pgrep -f "^$lab learn veth --scope $scope" | head -1 || true)
  [ -n "$pid" ] && break
  sleep 0.1
done
for k in n n n n; do tmux send-keys -t cnilab-bench "$k"; sleep 0.3; done
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
tmux send-keys -t cnilab-bench q; sleep 0.2; tmux send-keys -t cnilab-bench r; sleep 0.5
tmux kill-session -t cnilab-bench 2>/dev/null || true
printf '| %-34s | %8.1f MiB | %-40s | %8s | %-14s | %s\n' "lab learn veth, peak RSS" "$(awk -v k="$hwm" 'BEGIN {print k / 1024}')" "" "" "" "20 MiB"
