#!/usr/bin/env bash
# The first run as a newcomer meets it: a clean clone of this repository's
# HEAD in a temporary folder, on a machine with no /run/netns (a fresh VM
# has none until the first `ip netns add`), then `make test` there.
#
#   sudo scripts/fresh-machine.sh           # make test
#   sudo scripts/fresh-machine.sh run-help  # or another make target
#
# It removes /run/netns only when it is empty: iproute2 bind-mounts the
# folder onto itself, so it is unmounted first (as many times as it was
# mounted). A /run/netns that holds namespaces is someone's: it stops.
set -euo pipefail
target=${1:-test}
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)

# sudo's PATH usually lacks Go's own folder.
command -v go >/dev/null 2>&1 || PATH=$PATH:/usr/local/go/bin

if [ "$(id -u)" != 0 ]; then
  echo "fresh-machine.sh needs root (it removes /run/netns); run it with sudo" >&2
  exit 2
fi

if [ -e /run/netns ]; then
  if [ -n "$(ls -A /run/netns)" ]; then
    echo "/run/netns holds namespaces ($(ls /run/netns | tr '\n' ' ')); not a fresh machine, and not ours to remove" >&2
    exit 2
  fi
  while mountpoint -q /run/netns; do umount /run/netns; done
  rmdir /run/netns
  echo "removed the empty /run/netns (and its self-bind mount)"
fi

tmp=$(mktemp -d /tmp/cnilab-fresh.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
git clone --quiet "$repo" "$tmp/lab"
echo "cloned $(git -C "$tmp/lab" log -1 --format='%h %s') into $tmp/lab"
cd "$tmp/lab"
start=$(date +%s)
status=0
make "$target" || status=$?
echo "fresh-machine: make $target exited $status after $(( $(date +%s) - start )) s"
exit $status
