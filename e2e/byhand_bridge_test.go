package e2e

// Article 001's bridge typed by hand, and its mistakes.

import (
	"strings"
	"testing"
)

// bridgeByHand is article 001's "All in one" block for the bridge, with
// the scope's namespace names; the pings are the article's, once each.
func bridgeByHand(s string) string {
	return strings.NewReplacer("{S}", s).Replace(`BR=bridge1
HOST_IP=172.17.0.33
ip link add client1-veth type veth peer name client1-veth-br
ip link add server1-veth type veth peer name server1-veth-br
ip link add $BR type bridge
ip netns add {S}-client1
ip netns add {S}-server1
ip link set client1-veth netns {S}-client1
ip link set server1-veth netns {S}-server1
ip link set client1-veth-br master $BR
ip link set server1-veth-br master $BR
ip link set $BR up
ip link set client1-veth-br up
ip link set server1-veth-br up
ip netns exec {S}-client1 ip link set client1-veth up
ip netns exec {S}-server1 ip link set server1-veth up
ip netns exec {S}-client1 ip addr add 172.30.0.11/24 dev client1-veth
ip netns exec {S}-server1 ip addr add 172.30.0.12/24 dev server1-veth
ip netns exec {S}-client1 ping 172.30.0.12 -c 1 -W 5
ip addr add 172.30.0.1/24 dev $BR
ip netns exec {S}-client1 ping 172.30.0.12 -c 1 -W 5
ip netns exec {S}-client1 ping 172.30.0.1 -c 1 -W 5
`)
}

var bridgeByHandCases = []byHand{
	{name: "bridge/article", scope: "c3bridge", lesson: "bridge", code: 0,
		script: func(t *testing.T, s string) string { return bridgeByHand(s) }},
	{name: "bridge/not-a-port", scope: "c3bnoport", lesson: "bridge", code: 1,
		script: func(t *testing.T, s string) string {
			sc := dropLines(t, bridgeByHand(s), " ping ")
			return dropLines(t, sc, "ip link set client1-veth-br master $BR")
		},
		check: func(t *testing.T, s string, r reportJSON) {
			wantFailed(t, r, "client1-veth-br-port", []string{"client1-veth-br", "no master", "want master bridge1"},
				[]string{"ip link set client1-veth-br master bridge1"})
			wantFailed(t, r, "client1-pings-server1", []string{"master bridge1"}, []string{"master bridge1"})
			wantPassed(t, r, "server1-veth-br-port", "bridge1", "bridge1-addr")
		}},
	{name: "bridge/no-address", scope: "c3bnoaddr", lesson: "bridge", code: 1,
		script: func(t *testing.T, s string) string {
			sc := dropLines(t, bridgeByHand(s), " ping ")
			return dropLines(t, sc, "ip addr add 172.30.0.1/24 dev $BR")
		},
		check: func(t *testing.T, s string, r reportJSON) {
			wantFailed(t, r, "bridge1-addr", []string{"bridge1", "172.30.0.1/24"}, []string{"ip addr add 172.30.0.1/24 dev bridge1"})
			wantFailed(t, r, "client1-pings-bridge", nil, nil)
			wantPassed(t, r, "client1-pings-server1", "server1-pings-client1", "client1-veth-br-port", "server1-veth-br-port")
		}},
}
