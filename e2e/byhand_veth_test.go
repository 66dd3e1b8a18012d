package e2e

// Article 001's veth pair typed by hand, and its mistakes.

import (
	"strings"
	"testing"
)

// vethByHand is article 001's veth part, typed in lab shell with the
// scope's namespace names.
func vethByHand(s string) string {
	return strings.NewReplacer("{S}", s).Replace(`ip netns add {S}-client
ip netns add {S}-server
ip link add veth-client type veth peer name veth-server
ip link set veth-client netns {S}-client
ip link set veth-server netns {S}-server
ip netns exec {S}-client ip address add 10.0.0.11/24 dev veth-client
ip netns exec {S}-client ip link set veth-client up
ip netns exec {S}-server ip address add 10.0.0.12/24 dev veth-server
ip netns exec {S}-server ip link set veth-server up
`)
}

var vethByHandCases = []byHand{
	{name: "veth/article", scope: "c3veth", lesson: "veth", code: 0,
		script: func(t *testing.T, s string) string { return vethByHand(s) }},
	{name: "veth/server-down", scope: "c3vdown", lesson: "veth", code: 1,
		script: func(t *testing.T, s string) string {
			return dropLines(t, vethByHand(s), "ip link set veth-server up")
		},
		check: func(t *testing.T, s string, r reportJSON) {
			wantFailed(t, r, "veth-server-up", []string{"veth-server", "down"}, []string{"ip link set veth-server up"})
			// The pings that fail point at the mistake.
			wantFailed(t, r, "server-pings-client", []string{"look at: veth-server in netns " + s + "-server is down"}, []string{"ip link set veth-server up"})
			wantPassed(t, r, "veth-client-up", "veth-client-addr", "veth-server-addr")
		}},
	{name: "veth/prefix16", scope: "c3vmask", lesson: "veth", code: 1,
		script: func(t *testing.T, s string) string {
			return edit(t, vethByHand(s), "10.0.0.11/24", "10.0.0.11/16")
		},
		check: func(t *testing.T, s string, r reportJSON) {
			wantFailed(t, r, "veth-client-addr", []string{"10.0.0.11/16", "10.0.0.11/24"}, []string{"10.0.0.11/24"})
			wantPassed(t, r, "veth-server-addr", "veth-client-up", "veth-server-up")
		}},
	{name: "veth/server-end-in-host", scope: "c3vhost", lesson: "veth", code: 1,
		script: func(t *testing.T, s string) string {
			sc := dropLines(t, vethByHand(s), "ip link set veth-server netns")
			sc = edit(t, sc, "ip netns exec "+s+"-server ip address add", "ip address add")
			return edit(t, sc, "ip netns exec "+s+"-server ip link set veth-server up", "ip link set veth-server up")
		},
		check: func(t *testing.T, s string, r reportJSON) {
			wantFailed(t, r, "veth-client", []string{"peer veth-server in netns " + s + "-host", "want veth-server in netns " + s + "-server"},
				[]string{"veth-server", "netns " + s + "-server"})
			wantFailed(t, r, "veth-server-addr", []string{s + "-server", "veth-server"}, nil)
			wantFailed(t, r, "server-pings-client", nil, nil)
		}},
}
