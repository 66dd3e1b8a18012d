package e2e

// Article 001's routes and masquerade typed by hand, with each NAT backend,
// and their mistakes.

import (
	"strings"
	"testing"
)

// routeByHand is article 001's route part after `lab task route`, with
// masq the NAT command(s).
func routeByHand(s, masq string) string {
	return strings.NewReplacer("{S}", s).Replace(`ip netns exec {S}-client1 ip route add default via 172.30.0.1
ip netns exec {S}-server1 ip route add default via 172.30.0.1
sysctl -w net.ipv4.ip_forward=1
`) + masq + "\n"
}

// The article's masquerade, and the same with the other backends.
const (
	iptablesMasq = "iptables -t nat -A POSTROUTING -s 172.30.0.0/24 -o eth0 -j MASQUERADE"
	legacyMasq   = "iptables-legacy -t nat -A POSTROUTING -s 172.30.0.0/24 -o eth0 -j MASQUERADE"
	nftMasq      = `nft add table ip nat
nft add chain ip nat postrouting '{ type nat hook postrouting priority srcnat; }'
nft add rule ip nat postrouting ip saddr 172.30.0.0/24 oifname eth0 masquerade`
)

var routeByHandCases = []byHand{
	{name: "route/iptables", scope: "c3ript", lesson: "route", code: 0,
		script: func(t *testing.T, s string) string {
			return routeByHand(s, iptablesMasq) + "ip netns exec " + s + "-client1 ping -c 1 -W 5 172.17.0.1\n"
		}},
	{name: "route/iptables-legacy", scope: "c3rlegacy", lesson: "route", code: 0,
		script: func(t *testing.T, s string) string {
			return routeByHand(s, legacyMasq) + "ip netns exec " + s + "-server1 ping -c 1 -W 5 172.17.0.1\n"
		}},
	{name: "route/nft", scope: "c3rnft", lesson: "route", code: 0,
		script: func(t *testing.T, s string) string {
			return routeByHand(s, nftMasq) + "ip netns exec " + s + "-client1 ping -c 1 -W 5 172.17.0.1\n"
		}},
	{name: "route/no-forwarding", scope: "c3rnofwd", lesson: "route", code: 1,
		script: func(t *testing.T, s string) string {
			return dropLines(t, routeByHand(s, iptablesMasq), "sysctl")
		},
		check: func(t *testing.T, s string, r reportJSON) {
			wantFailed(t, r, "host-forwards", []string{"net.ipv4.ip_forward is 0", s + "-host"}, []string{"sysctl -w net.ipv4.ip_forward=1"})
			wantFailed(t, r, "client1-reaches-world", []string{"ip_forward"}, []string{"sysctl -w net.ipv4.ip_forward=1"})
			wantFailed(t, r, "server1-reaches-world", nil, nil)
			wantPassed(t, r, "client1-reaches-host", "client1-default-route", "world-has-no-route-back")
		}},
	{name: "route/masquerade-wrong-link", scope: "c3rwrongif", lesson: "route", code: 1,
		script: func(t *testing.T, s string) string {
			return edit(t, routeByHand(s, iptablesMasq), "-o eth0", "-o bridge1")
		},
		check: func(t *testing.T, s string, r reportJSON) {
			wantFailed(t, r, "client1-reaches-world", nil, []string{"-o eth0"})
			wantFailed(t, r, "server1-reaches-world", nil, nil)
			wantPassed(t, r, "client1-reaches-host", "server1-reaches-host", "host-forwards", "world-has-no-route-back")
		}},
	{name: "route/route-back-in-world", scope: "c3rback", lesson: "route", code: 1,
		script: func(t *testing.T, s string) string {
			return edit(t, routeByHand(s, iptablesMasq), iptablesMasq, "ip netns exec "+s+"-world ip route add 172.30.0.0/24 via 172.17.0.33")
		},
		check: func(t *testing.T, s string, r reportJSON) {
			wantFailed(t, r, "world-has-no-route-back", []string{s + "-world", "172.30.0.0/24"}, []string{"masquerade"})
			// It works, the wrong way: the world answers the namespaces.
			wantPassed(t, r, "client1-reaches-world", "server1-reaches-world", "host-forwards")
		}},
	{name: "route/server1-no-default", scope: "c3rnosrv", lesson: "route", code: 1,
		script: func(t *testing.T, s string) string {
			return dropLines(t, routeByHand(s, iptablesMasq), s+"-server1 ip route add default")
		},
		check: func(t *testing.T, s string, r reportJSON) {
			wantFailed(t, r, "server1-default-route", []string{s + "-server1", "no default route"},
				[]string{"ip netns exec " + s + "-server1 ip route add default via 172.30.0.1"})
			wantFailed(t, r, "server1-reaches-world", nil, nil)
			wantFailed(t, r, "server1-reaches-host", nil, nil)
			wantPassed(t, r, "client1-reaches-world", "client1-reaches-host", "client1-default-route")
		}},
	// Both default routes missing: each probe is explained by its own
	// namespace's missing route, never by the other's.
	{name: "route/no-default-routes", scope: "c3rnodef", lesson: "route", code: 1,
		script: func(t *testing.T, s string) string {
			return dropLines(t, routeByHand(s, iptablesMasq), "ip route add default")
		},
		check: func(t *testing.T, s string, r reportJSON) {
			for _, ns := range []string{"client1", "server1"} {
				other := map[string]string{"client1": "server1", "server1": "client1"}[ns]
				for _, id := range []string{ns + "-reaches-world", ns + "-reaches-host"} {
					c := wantFailed(t, r, id, []string{"look at: netns " + s + "-" + ns + " has no default route"},
						[]string{"ip netns exec " + s + "-" + ns + " ip route add default via 172.30.0.1"})
					if strings.Contains(c.Detail, s+"-"+other) || strings.Contains(c.Hint, s+"-"+other) {
						t.Errorf("%s is explained by %s's route: %s; hint %s", id, other, c.Detail, c.Hint)
					}
				}
			}
		}},
}
