package nft

import (
	"strings"
	"testing"
)

// Rules prints what `nft list ruleset` prints, rule for rule, for rules made
// by the lab, by nft and by iptables-nft, in every table of the namespace.
func TestRulesMatchNft(t *testing.T) {
	kernelTest(t)
	n := scratchNS(t)
	if err := (Masquerade{Netns: n, Table: "cnilab", Src: "172.30.0.0/24", OutIface: "eth0"}).Apply(); err != nil {
		t.Fatal(err)
	}
	if err := (DNAT{Netns: n, Table: "cnilab", Dport: 80, ToAddr: "172.18.0.3", ToPort: 80}).Apply(); err != nil {
		t.Fatal(err)
	}
	bashIn(t, n, []string{
		`nft add table inet learner`,
		`nft add chain inet learner in '{ type filter hook input priority filter; policy accept; }'`,
		`nft add chain inet learner other`,
		`nft add rule inet learner in ct state established,related accept`,
		`nft add rule inet learner in ip saddr 10.0.0.1 counter drop`,
		`nft add rule inet learner in ip6 saddr fd00::/64 accept`,
		`nft add rule inet learner in meta l4proto udp accept`,
		`nft add rule inet learner in tcp dport != 22 accept comment '"keep ssh"'`,
		`nft add rule inet learner in oifname '"veth*"' log prefix '"x "' jump other`,
		`nft add rule inet learner other ip saddr != 10.0.0.0/8 return`,
		`nft add table ip plain`,
		`nft add chain ip plain pre '{ type nat hook prerouting priority dstnat; }'`,
		`nft add rule ip plain pre ip protocol icmp accept`,
		`nft add rule ip plain pre ip daddr 192.168.1.0/25 udp dport 53 dnat to 10.0.0.53`,
		`iptables-nft -t nat -A POSTROUTING -s 10.240.0.0/24 ! -o cni0 -j MASQUERADE`,
		`iptables-nft -t nat -A POSTROUTING -s 10.0.0.0/8 -j SNAT --to-source 1.2.3.4`,
		`iptables-nft -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 172.18.0.3:80`,
		`iptables-nft -A FORWARD -s 10.240.0.0/16 -j ACCEPT`,
		`iptables-nft -A FORWARD -d 10.240.0.0/16 -j ACCEPT`,
		`iptables-nft -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
		`iptables-nft -A FORWARD -m conntrack ! --ctstate NEW -j ACCEPT`,
		`iptables-nft -A FORWARD -o eth+ -j ACCEPT`,
		`iptables-nft -N LAB`,
		`iptables-nft -A INPUT -i lo -p udp --dport 53 -j LAB`,
		`iptables-nft -A OUTPUT -p icmp --icmp-type destination-unreachable -j DROP`,
	})
	got, err := Rules(n)
	if err != nil {
		t.Fatal(err)
	}
	want := nftLines(commentRE.ReplaceAllStringFunc(nftIn(t, n, "list", "ruleset"), func(c string) string {
		if strings.HasPrefix(c, ` comment "`+tagPrefix) {
			return "" // Rules hides the lab's own keys
		}
		return c
	}))
	sameLines(t, got, want)
	for _, must := range []string{
		`table ip cnilab chain postrouting: ip saddr 172.30.0.0/24 oifname "eth0" masquerade`,
		`table ip nat chain POSTROUTING: oifname != "cni0" ip saddr 10.240.0.0/24 counter masquerade`,
	} {
		found := false
		for _, l := range got {
			found = found || l == must
		}
		if !found {
			t.Errorf("Rules lacks %s", must)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Logf("Rules:\n  %s", strings.Join(got, "\n  "))
	}
}
