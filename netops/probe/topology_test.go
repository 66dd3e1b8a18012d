package probe

import (
	"net"
	"os"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/cnilab/lab/internal/nettest"
	"github.com/cnilab/lab/netops/ns"
)

// The builders are internal/nettest's, named as these tests call them.
var (
	needRoot = func(t *testing.T) { nettest.NeedRoot(t) }
	handle   = func(t *testing.T, netns string) *netlink.Handle { return nettest.Handle(t, netns) }
	vethPair = func(t *testing.T, nsA, ifA, nsB, ifB string) { nettest.VethPair(t, nsA, ifA, nsB, ifB) }
	addrUp   = func(t *testing.T, netns, ifname, cidr string) { nettest.AddrUp(t, netns, ifname, cidr) }
	setState = func(t *testing.T, netns, ifname string, up bool) { nettest.SetState(t, netns, ifname, up) }
	setUp    = func(t *testing.T, netns, ifname string) { nettest.SetState(t, netns, ifname, true) }
)

// scratchNS is a namespace of this package's tests, lo up, removed by name.
func scratchNS(t *testing.T, tag string) string { return nettest.Scratch(t, "probetest", tag) }

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
