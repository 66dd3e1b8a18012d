package capture

import (
	"fmt"
	"net"
	"os"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/cnilab/lab/netops/ns"
)

// needRoot skips tests that build namespaces: only root may create them.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces")
	}
}

// scratchNS creates a namespace named after the test's tag and this
// process, and deletes it by that exact name when the test ends.
func scratchNS(t *testing.T, tag string) string {
	t.Helper()
	name := fmt.Sprintf("captest-%s-%d", tag, os.Getpid())
	if err := ns.Create(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ns.Delete(name); err != nil {
			t.Error(err)
		}
	})
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

// pair builds two namespaces joined by a veth: veth-a 10.0.0.11/24 in a,
// veth-b 10.0.0.12/24 in b, both up.
func pair(t *testing.T, tag string) (a, b string) {
	t.Helper()
	a, b = scratchNS(t, tag+"a"), scratchNS(t, tag+"b")
	peer, err := ns.Open(b)
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	veth := &netlink.Veth{
		LinkAttrs:     netlink.LinkAttrs{Name: "veth-a"},
		PeerName:      "veth-b",
		PeerNamespace: netlink.NsFd(int(peer)),
	}
	if err := handle(t, a).LinkAdd(veth); err != nil {
		t.Fatalf("add veth in netns %q: %v", a, err)
	}
	addrUp(t, a, "veth-a", "10.0.0.11/24")
	addrUp(t, b, "veth-b", "10.0.0.12/24")
	return a, b
}

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
	if err := h.LinkSetUp(link); err != nil {
		t.Fatalf("set %s up in netns %q: %v", ifname, netns, err)
	}
}

// pinger sends ICMP echo requests from netns to dst, one per call, through
// a raw socket opened in netns: no process per packet.
type pinger struct {
	fd  int
	dst unix.SockaddrInet4
	seq uint16
}

func newPinger(t *testing.T, netns, dst string) *pinger {
	t.Helper()
	p := &pinger{fd: -1}
	err := ns.Do(netns, func() error {
		var err error
		p.fd, err = unix.Socket(unix.AF_INET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.IPPROTO_ICMP)
		return err
	})
	if err != nil {
		t.Fatalf("icmp socket in netns %q: %v", netns, err)
	}
	t.Cleanup(func() { unix.Close(p.fd) })
	copy(p.dst.Addr[:], net.ParseIP(dst).To4())
	return p
}

func (p *pinger) send(t *testing.T) {
	p.seq++
	buf := gopacket.NewSerializeBuffer()
	err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{ComputeChecksums: true},
		&layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(layers.ICMPv4TypeEchoRequest, 0), Id: 7, Seq: p.seq},
		gopacket.Payload(make([]byte, 56)))
	if err != nil {
		t.Error(err)
		return
	}
	if err := unix.Sendto(p.fd, buf.Bytes(), 0, &p.dst); err != nil {
		t.Errorf("send echo request: %v", err)
	}
}
