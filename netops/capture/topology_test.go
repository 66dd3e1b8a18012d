package capture

import (
	"net"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"golang.org/x/sys/unix"

	"github.com/cnilab/lab/internal/nettest"
	"github.com/cnilab/lab/netops/ns"
)

// The builders are internal/nettest's.
func needRoot(t *testing.T) { nettest.NeedRoot(t) }

func scratchNS(t *testing.T, tag string) string { return nettest.Scratch(t, "captest", tag) }

// pair builds two namespaces joined by a veth: veth-a 10.0.0.11/24 in a,
// veth-b 10.0.0.12/24 in b, both up.
func pair(t *testing.T, tag string) (a, b string) {
	t.Helper()
	a, b = scratchNS(t, tag+"a"), scratchNS(t, tag+"b")
	nettest.VethPair(t, a, "veth-a", b, "veth-b")
	nettest.AddrUp(t, a, "veth-a", "10.0.0.11/24")
	nettest.AddrUp(t, b, "veth-b", "10.0.0.12/24")
	return a, b
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
