// Package nettest builds what the netops tests need on the real kernel:
// scratch namespaces removed by their exact names, veth pairs, addresses.
// It is for tests only (like net/http/httptest).
package nettest

import (
	"fmt"
	"os"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/cnilab/lab/netops/ns"
)

// NeedRoot skips a test that builds namespaces: only root may create them.
func NeedRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 || testing.Short() {
		t.Skip("needs root to create network namespaces")
	}
}

// Scratch creates the namespace "<prefix>-<tag>-<pid>" with lo up, and
// deletes it by that exact name when the test ends.
func Scratch(t testing.TB, prefix, tag string) string {
	t.Helper()
	name := fmt.Sprintf("%s-%s-%d", prefix, tag, os.Getpid())
	if err := ns.Create(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ns.Delete(name); err != nil {
			t.Error(err)
		}
	})
	SetState(t, name, "lo", true)
	return name
}

// Handle is a netlink handle bound to netns, closed when the test ends.
func Handle(t testing.TB, netns string) *netlink.Handle {
	t.Helper()
	h, err := ns.Handle(netns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// VethPair links ifA in nsA to ifB in nsB, the peer made directly in nsB.
func VethPair(t testing.TB, nsA, ifA, nsB, ifB string) {
	t.Helper()
	peer, err := ns.Open(nsB)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: ifA}, PeerName: ifB, PeerNamespace: netlink.NsFd(int(peer))}
	if err := Handle(t, nsA).LinkAdd(veth); err != nil {
		t.Fatalf("add veth %s in netns %q: %v", ifA, nsA, err)
	}
}

// AddrUp gives a link an address and brings it up.
func AddrUp(t testing.TB, netns, ifname, cidr string) {
	t.Helper()
	h := Handle(t, netns)
	link, err := h.LinkByName(ifname)
	if err != nil {
		t.Fatalf("link %s in netns %q: %v", ifname, netns, err)
	}
	addr, err := netlink.ParseAddr(cidr)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddrAdd(link, addr); err != nil {
		t.Fatalf("add %s to %s in netns %q: %v", cidr, ifname, netns, err)
	}
	SetState(t, netns, ifname, true)
}

// SetState brings a link up or down.
func SetState(t testing.TB, netns, ifname string, up bool) {
	t.Helper()
	h := Handle(t, netns)
	link, err := h.LinkByName(ifname)
	if err != nil {
		t.Fatalf("link %s in netns %q: %v", ifname, netns, err)
	}
	set := h.LinkSetDown
	if up {
		set = h.LinkSetUp
	}
	if err := set(link); err != nil {
		t.Fatalf("set %s up=%v in netns %q: %v", ifname, up, netns, err)
	}
}
