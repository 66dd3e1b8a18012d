package e2e

// Article 001's port forward typed by hand, with each NAT backend, and its
// mistakes.

import "testing"

// The article's port forward, and the same with the other backends.
const (
	iptablesDNAT = "iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 172.18.0.3:80"
	legacyDNAT   = "iptables-legacy -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 172.18.0.3:80"
	nftDNAT      = `nft add table ip nat
nft add chain ip nat prerouting '{ type nat hook prerouting priority dstnat; }'
nft add rule ip nat prerouting tcp dport 80 dnat to 172.18.0.3:80`
)

var dnatByHandCases = []byHand{
	{name: "dnat/iptables", scope: "c3dipt", lesson: "dnat", code: 0,
		script: func(t *testing.T, s string) string { return iptablesDNAT + "\n" }},
	{name: "dnat/iptables-legacy", scope: "c3dlegacy", lesson: "dnat", code: 0,
		script: func(t *testing.T, s string) string { return legacyDNAT + "\n" }},
	{name: "dnat/nft", scope: "c3dnft", lesson: "dnat", code: 0,
		script: func(t *testing.T, s string) string { return nftDNAT + "\n" }},
	{name: "dnat/wrong-port", scope: "c3dport", lesson: "dnat", code: 1,
		script: func(t *testing.T, s string) string { return edit(t, iptablesDNAT, "--dport 80", "--dport 8080") + "\n" },
		check: func(t *testing.T, s string, r reportJSON) {
			wantFailed(t, r, "world-gets-page", []string{"connection refused"}, []string{"PREROUTING"})
			wantFailed(t, r, "destination-rewritten", nil, nil)
			wantPassed(t, r, "host-gets-page")
		}},
	{name: "dnat/wrong-destination", scope: "c3ddest", lesson: "dnat", code: 1,
		script: func(t *testing.T, s string) string {
			return edit(t, iptablesDNAT, "172.18.0.3:80", "172.18.0.3:8080") + "\n"
		},
		check: func(t *testing.T, s string, r reportJSON) {
			wantFailed(t, r, "world-gets-page", []string{"connection refused"}, nil)
			wantFailed(t, r, "destination-rewritten", nil, nil)
		}},
	{name: "dnat/output-only", scope: "c3dout", lesson: "dnat", code: 1,
		script: func(t *testing.T, s string) string { return edit(t, iptablesDNAT, "PREROUTING", "OUTPUT") + "\n" },
		check: func(t *testing.T, s string, r reportJSON) {
			// OUTPUT catches what the host sends, not what the world sends.
			wantFailed(t, r, "world-gets-page", nil, nil)
			wantPassed(t, r, "host-gets-page")
		}},
}
