#!/usr/bin/env bash
# The veth lesson's verify as a bash grader would write it, check for check
# (two pings, both namespaces, the veth pair, both addresses, both ends up),
# against scope $1's namespaces: the comparison for `lab verify veth` in
# make bench. Exit 0 when every check passes.
set -u
s=${1:-lab}
c=client s_=server
if [ "$s" != lab ]; then c=$s-client s_=$s-server; fi
fail=0
check() { if ! eval "$2" >/dev/null 2>&1; then echo "FAIL $1"; fail=1; fi; }
check client-pings-server "ip netns exec $c ping -c 1 -W 1 10.0.0.12"
check server-pings-client "ip netns exec $s_ ping -c 1 -W 1 10.0.0.11"
check netns-client "test -e /run/netns/$c"
check netns-server "test -e /run/netns/$s_"
cl=$(ip -n "$c" -d addr show dev veth-client 2>/dev/null)
sl=$(ip -n "$s_" -d addr show dev veth-server 2>/dev/null)
check veth-client "grep -q 'veth-client@' <<<\"\$cl\" && grep -q 'veth ' <<<\"\$cl\""
check veth-client-addr "grep -q 'inet 10.0.0.11/24' <<<\"\$cl\""
check veth-server-addr "grep -q 'inet 10.0.0.12/24' <<<\"\$sl\""
check veth-client-up "grep -q '[<,]UP[,>]' <<<\"\$cl\""
check veth-server-up "grep -q '[<,]UP[,>]' <<<\"\$sl\""
exit $fail
