#!/usr/bin/env bash
# The route lesson as a learner types it (article 001's bridge block, then the
# default routes, forwarding and MASQUERADE), with one ping per check, built
# and torn down in namespaces prefixed by $1 — a baseline for scripts/bench.sh.
# It never touches the machine's own namespace: "host" is a namespace too.
set -euo pipefail
p=${1:-bh}
H="ip netns exec $p-host"
ip netns add $p-host; ip netns add $p-world
ip link add eth0 netns $p-host type veth peer name eth0 netns $p-world
$H ip addr add 172.17.0.33/24 dev eth0; $H ip link set eth0 up; $H ip link set lo up
ip netns exec $p-world ip addr add 172.17.0.1/24 dev eth0; ip netns exec $p-world ip link set eth0 up
$H ip route add default via 172.17.0.1
# bridge (article 001, "All in one")
$H ip link add client1-veth type veth peer name client1-veth-br
$H ip link add server1-veth type veth peer name server1-veth-br
$H ip link add bridge1 type bridge
ip netns add $p-client1; ip netns add $p-server1
$H ip link set client1-veth netns $p-client1
$H ip link set server1-veth netns $p-server1
$H ip link set client1-veth-br master bridge1
$H ip link set server1-veth-br master bridge1
$H ip link set bridge1 up; $H ip link set client1-veth-br up; $H ip link set server1-veth-br up
ip netns exec $p-client1 ip link set client1-veth up
ip netns exec $p-server1 ip link set server1-veth up
ip netns exec $p-client1 ip addr add 172.30.0.11/24 dev client1-veth
ip netns exec $p-server1 ip addr add 172.30.0.12/24 dev server1-veth
$H ip addr add 172.30.0.1/24 dev bridge1
# route
ip netns exec $p-client1 ping -c 1 -W 1 172.17.0.33 >/dev/null 2>&1 || true   # network is unreachable
ip netns exec $p-client1 ip route add default via 172.30.0.1
ip netns exec $p-server1 ip route add default via 172.30.0.1
ip netns exec $p-client1 ping -c 1 -W 1 172.17.0.33 >/dev/null
ip netns exec $p-server1 ping -c 1 -W 1 172.17.0.33 >/dev/null
ip netns exec $p-client1 ping -c 1 -W 1 172.17.0.1 >/dev/null 2>&1 || true    # no reply: no forwarding
$H sysctl -qw net.ipv4.ip_forward=1
ip netns exec $p-client1 ping -c 1 -W 1 172.17.0.1 >/dev/null 2>&1 || true    # no reply: no route back
$H nft add table ip nat
$H nft add chain ip nat postrouting '{ type nat hook postrouting priority srcnat; }'
$H nft add rule ip nat postrouting ip saddr 172.30.0.0/24 oifname eth0 masquerade
ip netns exec $p-client1 ping -c 1 -W 1 172.17.0.1 >/dev/null
ip netns exec $p-server1 ping -c 1 -W 1 172.17.0.1 >/dev/null
# teardown
for n in client1 server1 host world; do ip netns del $p-$n; done
