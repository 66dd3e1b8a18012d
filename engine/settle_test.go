package engine

import (
	"testing"

	"github.com/cnilab/lab/netops/snapshot"
)

func TestSettledUnit(t *testing.T) {
	veth := func(name, peer, peerNetns string, pending bool) snapshot.Link {
		return snapshot.Link{Name: name, Kind: "veth", Peer: peer, PeerNetns: peerNetns, Flags: []string{"UP", "LOWER_UP"}, State: "UP", Pending: pending}
	}
	pair := func(clientPending, serverPending bool) snapshot.Snapshot {
		return snapshot.Snapshot{Namespaces: []snapshot.Netns{
			{Name: "t1-host", Links: []snapshot.Link{lo()}},
			{Name: "t1-client", Links: []snapshot.Link{lo(), veth("veth-client", "veth-server", "t1-server", clientPending)}},
			{Name: "t1-server", Links: []snapshot.Link{lo(), veth("veth-server", "veth-client", "t1-client", serverPending)}},
		}}
	}
	for _, tc := range []struct {
		name string
		snap snapshot.Snapshot
		want bool
	}{
		{"empty snapshot", snapshot.Snapshot{}, true},
		{"nothing pending", pair(false, false), true},
		{"both ends of a veth pending", pair(true, true), false},
		{"only the client end pending", pair(true, false), true},
		{"only the server end pending", pair(false, true), true},
		{"both ends pending in one namespace", snapshot.Snapshot{Namespaces: []snapshot.Netns{
			{Name: "t1-host", Links: []snapshot.Link{veth("a", "b", "", true), veth("b", "a", "", true)}}}}, false},
		{"one end pending in one namespace", snapshot.Snapshot{Namespaces: []snapshot.Netns{
			{Name: "t1-host", Links: []snapshot.Link{veth("a", "b", "", true), veth("b", "a", "", false)}}}}, true},
		{"a pending bridge", snapshot.Snapshot{Namespaces: []snapshot.Netns{
			{Name: "t1-host", Links: []snapshot.Link{lo(), {Name: "bridge1", Kind: "bridge", Pending: true}}}}}, false},
		{"a pending veth whose peer is unknown", snapshot.Snapshot{Namespaces: []snapshot.Netns{
			{Name: "t1-host", Links: []snapshot.Link{veth("a", "", "", true)}}}}, false},
		{"a pending veth whose peer's netns is not in the snapshot", snapshot.Snapshot{Namespaces: []snapshot.Netns{
			{Name: "t1-client", Links: []snapshot.Link{veth("veth-client", "veth-server", "t1-server", true)}}}}, true},
		{"a pending veth whose peer is missing", snapshot.Snapshot{Namespaces: []snapshot.Netns{
			{Name: "t1-client", Links: []snapshot.Link{veth("veth-client", "veth-server", "t1-server", true)}},
			{Name: "t1-server", Links: []snapshot.Link{lo()}}}}, true},
		{"a settled pair and a pending bridge", func() snapshot.Snapshot {
			s := pair(true, false)
			s.Namespaces[0].Links = append(s.Namespaces[0].Links, snapshot.Link{Name: "bridge1", Kind: "bridge", Pending: true})
			return s
		}(), false},
	} {
		if got := settled(tc.snap); got != tc.want {
			t.Errorf("%s: settled = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// A bridge port forwards only once its own carrier event was processed: a
// pending port is not settled even when its peer is.
func TestSettledPendingBridgePortUnit(t *testing.T) {
	snap := snapshot.Snapshot{Namespaces: []snapshot.Netns{
		{Name: "h", Links: []snapshot.Link{{Name: "p-br", Kind: "veth", Peer: "p", PeerNetns: "c", Master: "br0", Flags: []string{"UP", "LOWER_UP"}, State: "UP", Pending: true}}},
		{Name: "c", Links: []snapshot.Link{{Name: "p", Kind: "veth", Peer: "p-br", PeerNetns: "h", Flags: []string{"UP", "LOWER_UP"}, State: "UP"}}},
	}}
	if settled(snap) {
		t.Error("a pending bridge port counted as settled")
	}
	snap.Namespaces[0].Links[0].Master = ""
	if !settled(snap) {
		t.Error("a pending veth end whose peer is processed should count as settled")
	}
}
