package topo

import (
	"strings"
	"testing"

	"github.com/cnilab/lab/netops/snapshot"
)

// The Graphviz graph has a cluster per namespace, a node per link with its
// addresses, one edge per veth pair (not two) and a dashed edge per bridge
// port; lo is left out.
func TestWriteDotUnit(t *testing.T) {
	lo := snapshot.Link{Name: "lo", Kind: "device"}
	snap := snapshot.Snapshot{Namespaces: []snapshot.Netns{
		{Name: "lab-host", Links: []snapshot.Link{lo,
			{Name: "bridge1", Kind: "bridge"},
			{Name: "client1-veth-br", Kind: "veth", Master: "bridge1", Peer: "client1-veth", PeerNetns: "client1"}},
			Addrs: []snapshot.Addr{{Dev: "bridge1", Prefix: "172.30.0.1/24"}}},
		{Name: "client1", Links: []snapshot.Link{lo,
			{Name: "client1-veth", Kind: "veth", Peer: "client1-veth-br", PeerNetns: "lab-host"}},
			Addrs: []snapshot.Addr{{Dev: "client1-veth", Prefix: "172.30.0.11/24"}}},
	}}
	var b strings.Builder
	WriteDot(&b, snap)
	got := b.String()
	for _, want := range []string{
		"graph lab {",
		"subgraph cluster_0 {\n    label=\"lab-host\";",
		"subgraph cluster_1 {\n    label=\"client1\";",
		`"lab-host/bridge1" [label="bridge1\n172.30.0.1/24"];`,
		`"client1/client1-veth" [label="client1-veth\n172.30.0.11/24"];`,
		`"lab-host/client1-veth-br" -- "lab-host/bridge1" [style=dashed];`,
		`"client1/client1-veth" -- "lab-host/client1-veth-br" [penwidth=2];`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("dot lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "penwidth=2"); n != 1 {
		t.Errorf("%d veth edges, want 1 for one pair:\n%s", n, got)
	}
	if strings.Contains(got, "/lo\"") {
		t.Errorf("lo is drawn:\n%s", got)
	}
	if !strings.HasSuffix(got, "}\n") {
		t.Errorf("graph not closed:\n%s", got)
	}
}
