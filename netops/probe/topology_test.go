package probe

import (
	"fmt"
	"net"
	"os"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/cnilab/lab/netops/ns"
)

// needRoot skips tests that build namespaces: only root may create them.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces")
	}
}

// scratchNS creates a namespace named after the test's tag and this process,
// with lo up, and deletes it by that exact name when the test ends.
func scratchNS(t *testing.T, tag string) string {
	t.Helper()
	name := fmt.Sprintf("probetest-%s-%d", tag, os.Getpid())
	if err := ns.Create(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ns.Delete(name); err != nil {
			t.Error(err)
		}
	})
	setUp(t, name, "lo")
	return name
}

func handle(t *testing.T, netns string) *netlink.Handle {
	t.Helper()
	h, err := ns.Handle(netns)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// vethPair links ifA in nsA to ifB in nsB, creating the peer directly in nsB.
func vethPair(t *testing.T, nsA, ifA, nsB, ifB string) {
	t.Helper()
	peer, err := ns.Open(nsB)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	veth := &netlink.Veth{
		LinkAttrs:     netlink.LinkAttrs{Name: ifA},
		PeerName:      ifB,
		PeerNamespace: netlink.NsFd(int(peer)),
	}
	if err := handle(t, nsA).LinkAdd(veth); err != nil {
		t.Fatalf("add veth %s in netns %q: %v", ifA, nsA, err)
	}
}

// addrUp gives a link an address and brings it up.
func addrUp(t *testing.T, netns, ifname, cidr string) {
	t.Helper()
	h := handle(t, netns)
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
	setUp(t, netns, ifname)
}

func setUp(t *testing.T, netns, ifname string) {
	t.Helper()
	setState(t, netns, ifname, true)
}

func setState(t *testing.T, netns, ifname string, up bool) {
	t.Helper()
	h := handle(t, netns)
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

// routeVia adds `ip route add DST via GW` in a namespace.
func routeVia(t *testing.T, netns, dst, gw string) {
	t.Helper()
	_, dstNet, err := net.ParseCIDR(dst)
	if err != nil {
		t.Fatal(err)
	}
	if err := handle(t, netns).RouteAdd(&netlink.Route{Dst: dstNet, Gw: net.ParseIP(gw)}); err != nil {
		t.Fatalf("add route %s via %s in netns %q: %v", dst, gw, netns, err)
	}
}

// enableForwarding sets net.ipv4.ip_forward=1 inside the namespace only:
// the sysctl is per namespace, and the machine's own must stay untouched.
func enableForwarding(t *testing.T, netns string) {
	t.Helper()
	err := ns.Do(netns, func() error {
		return os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1\n"), 0o644)
	})
	if err != nil {
		t.Fatalf("enable forwarding in netns %q: %v", netns, err)
	}
}

// pair builds two namespaces joined by a veth: a has 10.0.0.11/24 on
// link "a", b has 10.0.0.12/24 on link "b".
func pair(t *testing.T, tag string) (nsA, nsB string) {
	t.Helper()
	nsA, nsB = scratchNS(t, tag+"-a"), scratchNS(t, tag+"-b")
	vethPair(t, nsA, "a", nsB, "b")
	addrUp(t, nsA, "a", "10.0.0.11/24")
	addrUp(t, nsB, "b", "10.0.0.12/24")
	return nsA, nsB
}
