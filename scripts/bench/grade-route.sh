#!/usr/bin/env bash
# The route lesson's verify as a bash grader would write it, check for check,
# with tcpdump proving the rewritten source on eth0, against scope $1's
# namespaces: the comparison for `lab verify route` in make bench.
set -u
s=${1:-lab}
c1=client1 s1=server1
if [ "$s" != lab ]; then c1=$s-client1 s1=$s-server1; fi
h=$s-host w=$s-world
fail=0
check() { if ! eval "$2" >/dev/null 2>&1; then echo "FAIL $1"; fail=1; fi; }
check client1-reaches-world "ip netns exec $c1 ping -c 1 -W 1 172.17.0.1"
check server1-reaches-world "ip netns exec $s1 ping -c 1 -W 1 172.17.0.1"
check client1-reaches-host "ip netns exec $c1 ping -c 1 -W 1 172.17.0.33"
check server1-reaches-host "ip netns exec $s1 ping -c 1 -W 1 172.17.0.33"
check client1-default-route "ip -n $c1 route show default | grep -q 'via 172.30.0.1'"
check server1-default-route "ip -n $s1 route show default | grep -q 'via 172.30.0.1'"
check host-forwards "[ \"\$(ip netns exec $h cat /proc/sys/net/ipv4/ip_forward)\" = 1 ]"
# The capture: tcpdump on the host's eth0 while client1 pings the world.
out=$(mktemp)
ip netns exec "$h" tcpdump -n -l -c 1 -i eth0 'icmp[icmptype] = icmp-echo and src 172.17.0.33 and dst 172.17.0.1' >"$out" 2>/dev/null &
dump=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
  ip netns exec "$c1" ping -c 1 -W 1 172.17.0.1 >/dev/null 2>&1
  grep -q "ICMP echo request" "$out" && break
done
wait $dump 2>/dev/null
check source-rewritten "grep -q 'IP 172.17.0.33 > 172.17.0.1: ICMP echo request' $out"
rm -f "$out"
check world-has-no-route-back "! ip -n $w route show 172.30.0.0/24 | grep -q ."
exit $fail
