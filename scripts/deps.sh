#!/usr/bin/env bash
# Install the Debian packages lab's lessons and tests use, when missing.
# Go modules come from the module proxy by themselves (go build).
# --test adds what only the tests need: Ansible, for article 000's own play
# against the cluster's nodes (about a minute of apt the first time).
set -euo pipefail

declare -A pkg=(
  [ip]=iproute2
  [nft]=nftables
  [iptables]=iptables
  [iptables-legacy]=iptables
  [ping]=iputils-ping
  [tcpdump]=tcpdump
  [tmux]=tmux
  [jq]=jq
  [bash]=bash
  [nsenter]=util-linux
  [containerd]=containerd
  [ctr]=containerd
  [containerd-shim-runc-v2]=containerd
  [runc]=runc
)
if [ "${1:-}" = --test ]; then
  pkg[ansible-playbook]=ansible
fi
missing=()
for bin in "${!pkg[@]}"; do
  command -v "$bin" >/dev/null 2>&1 || missing+=("${pkg[$bin]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# shellcheck disable=SC2207
missing=($(printf '%s\n' "${missing[@]}" | sort -u))
sudo=()
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
fi
if { [ "$(id -u)" != 0 ] && [ ${#sudo[@]} -eq 0 ]; } || ! command -v apt-get >/dev/null 2>&1; then
  echo "lab needs these packages: ${missing[*]} (install them with your package manager, as root)" >&2
  exit 1
fi
echo "installing ${missing[*]}"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
