package snapshot

import "testing"

func TestSettledUnit(t *testing.T) {
	veth := func(name, peer, peerNetns string, pending bool) Link {
		return Link{Name: name, Kind: "veth", Peer: peer, PeerNetns: peerNetns, Flags: []string{"UP", "LOWER_UP"}, State: "UP", Pending: pending}
	}
	pair := func(clientPending, serverPending bool) Snapshot {
		return Snapshot{Namespaces: []Netns{
			{Name: "t1-host", Links: []Link{lo()}},
			{Name: "t1-client", Links: []Link{lo(), veth("veth-client", "veth-server", "t1-server", clientPending)}},
			{Name: "t1-server", Links: []Link{lo(), veth("veth-server", "veth-client", "t1-client", serverPending)}},
		}}
	}
	for _, tc := range []struct {
		name string
		snap Snapshot
		want bool
	}{
		{"empty snapshot", Snapshot{}, true},
		{"nothing pending", pair(false, false), true},
		{"both ends of a veth pending", pair(true, true), false},
		{"only the client end pending", pair(true, false), true},
		{"only the server end pending", pair(false, true), true},
		{"both ends pending in one namespace", Snapshot{Namespaces: []Netns{
			{Name: "t1-host", Links: []Link{veth("a", "b", "", true), veth("b", "a", "", true)}}}}, false},
		{"one end pending in one namespace", Snapshot{Namespaces: []Netns{
			{Name: "t1-host", Links: []Link{veth("a", "b", "", true), veth("b", "a", "", false)}}}}, true},
		{"a pending bridge", Snapshot{Namespaces: []Netns{
			{Name: "t1-host", Links: []Link{lo(), {Name: "bridge1", Kind: "bridge", Pending: true}}}}}, false},
		{"a pending veth whose peer is unknown", Snapshot{Namespaces: []Netns{
			{Name: "t1-host", Links: []Link{veth("a", "", "", true)}}}}, false},
		{"a pending veth whose peer's netns is not in the snapshot", Snapshot{Namespaces: []Netns{
			{Name: "t1-client", Links: []Link{veth("veth-client", "veth-server", "t1-server", true)}}}}, true},
		{"a pending veth whose peer is missing", Snapshot{Namespaces: []Netns{
			{Name: "t1-client", Links: []Link{veth("veth-client", "veth-server", "t1-server", true)}},
			{Name: "t1-server", Links: []Link{lo()}}}}, true},
		{"a settled pair and a pending bridge", func() Snapshot {
			s := pair(true, false)
			s.Namespaces[0].Links = append(s.Namespaces[0].Links, Link{Name: "bridge1", Kind: "bridge", Pending: true})
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
	snap := Snapshot{Namespaces: []Netns{
		{Name: "h", Links: []Link{{Name: "p-br", Kind: "veth", Peer: "p", PeerNetns: "c", Master: "br0", Flags: []string{"UP", "LOWER_UP"}, State: "UP", Pending: true}}},
		{Name: "c", Links: []Link{{Name: "p", Kind: "veth", Peer: "p-br", PeerNetns: "h", Flags: []string{"UP", "LOWER_UP"}, State: "UP"}}},
	}}
	if settled(snap) {
		t.Error("a pending bridge port counted as settled")
	}
	snap.Namespaces[0].Links[0].Master = ""
	if !settled(snap) {
		t.Error("a pending veth end whose peer is processed should count as settled")
	}
}

func lo() Link {
	return Link{Name: "lo", Kind: "device", MTU: 65536, Flags: []string{"LOOPBACK", "UP", "LOWER_UP"}, State: "UNKNOWN"}
}
