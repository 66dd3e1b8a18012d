package snapshot

import (
	"strings"
	"testing"
)

func TestDiffRender(t *testing.T) {
	d := Diff{Changes: []Change{
		{Netns: "client", Sign: '+', Kind: "addr", Line: "inet 10.0.0.11/24 dev veth-client"},
		{Netns: "client", Sign: '-', Kind: "route", Line: "default via 10.0.0.1 dev veth-client"},
		{Netns: "server", Sign: '+', Kind: "netns", Line: "netns server"},
	}}
	tests := []struct {
		name  string
		diff  Diff
		color bool
		want  string
	}{
		{"plain", d, false, "" +
			"client\n" +
			"  + inet 10.0.0.11/24 dev veth-client\n" +
			"  - default via 10.0.0.1 dev veth-client\n" +
			"server\n" +
			"  + netns server\n"},
		{"color", d, true, "" +
			"\x1b[1mclient\x1b[0m\n" +
			"  \x1b[32m+ inet 10.0.0.11/24 dev veth-client\x1b[0m\n" +
			"  \x1b[31m- default via 10.0.0.1 dev veth-client\x1b[0m\n" +
			"\x1b[1mserver\x1b[0m\n" +
			"  \x1b[32m+ netns server\x1b[0m\n"},
		{"empty", Diff{}, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			tt.diff.Render(&b, tt.color)
			if b.String() != tt.want {
				t.Errorf("Render:\n got  %q\n want %q", b.String(), tt.want)
			}
		})
	}
}

func TestNetnsRender(t *testing.T) {
	var b strings.Builder
	n := fixture().Namespaces[0]
	n.FDB = []FDB{{MAC: "02:00:00:00:00:0c", Dev: "veth-server-br", Master: "br0"}}
	n.Conntrack = []string{"icmp src=10.0.0.11 dst=172.17.0.1 src=172.17.0.1 dst=172.17.0.33"}
	n.Render(&b)
	want := "" +
		"client\n" +
		"  lo: <LOOPBACK> mtu 65536 state DOWN\n" +
		"  veth-client@veth-server: <UP,LOWER_UP> mtu 1500 state UP type veth peer-netns server\n" +
		"  inet 10.0.0.11/24 dev veth-client\n" +
		"  10.0.0.0/24 dev veth-client proto kernel scope link src 10.0.0.11\n" +
		"  10.0.0.12 dev veth-client lladdr 02:00:00:00:00:0c REACHABLE\n" +
		"  net.ipv4.ip_forward = 0\n" +
		"  02:00:00:00:00:0c dev veth-server-br master br0\n" +
		"  icmp src=10.0.0.11 dst=172.17.0.1 src=172.17.0.1 dst=172.17.0.33\n"
	if b.String() != want {
		t.Errorf("Render:\n got  %q\n want %q", b.String(), want)
	}
}
