#!/usr/bin/env bash
# The first run as a newcomer meets it: a clean clone of this repository's
# HEAD in a temporary folder, on a machine with no /run/netns (a fresh VM
# has none until the first `ip netns add`), then `make test` there.
#
#   sudo scripts/fresh-machine.sh           # make test
#   sudo scripts/fresh-machine.sh unit      # or another make target
#   sudo COLD=1 scripts/fresh-machine.sh    # also with empty Go caches
#
# It removes /run/netns and /run/cnilab only when they are empty: iproute2
# bind-mounts /run/netns onto itself, so it is unmounted first (as many
# times as it was mounted). A folder that holds something is someone's
# lab: it stops. With COLD=1 the Go module and build caches are new, empty
# folders, as on a VM that never built Go (the modules come from the proxy).
set -euo pipefail
target=${1:-test}
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)

# sudo's PATH usually lacks Go's own folder.
command -v go >/dev/null 2>&1 || PATH=$PATH:/usr/local/go/bin

if [ "$(id -u)" != 0 ]; then
  echo "fresh-machine.sh needs root (it removes /run/netns); run it with sudo" >&2
  exit 2
fi

for dir in /run/netns /run/cnilab; do
  [ -e "$dir" ] || continue
  if [ -n "$(ls -A "$dir")" ]; then
    echo "$dir holds $(ls "$dir" | tr '\n' ' '); not a fresh machine, and not ours to remove" >&2
    exit 2
  fi
  while mountpoint -q "$dir"; do umount "$dir"; done
  rmdir "$dir"
  echo "removed the empty $dir"
done

tmp=$(mktemp -d /tmp/cnilab-fresh.XXXXXX)
# Module cache files are read-only: make them writable to remove them.
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
if [ "${COLD:-}" = 1 ]; then
  export GOMODCACHE=$tmp/gomodcache GOCACHE=$tmp/gocache
  echo "cold Go caches in $tmp"
fi
git clone --quiet "$repo" "$tmp/lab"
echo "cloned $(git -C "$tmp/lab" log -1 --format='%h %s') into $tmp/lab"
cd "$tmp/lab"
start=$(date +%s)
status=0
make "$target" || status=$?
echo "fresh-machine: make $target exited $status after $(( $(date +%s) - start )) s"
exit $status
