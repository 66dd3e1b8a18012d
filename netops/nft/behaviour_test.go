package nft

import (
	"net"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/vishvananda/netlink"

	"github.com/cnilab/lab/internal/nettest"
	"github.com/cnilab/lab/netops/ns"
)

// topo is three namespaces in a row, as in the article:
//
//	c (eth0 10.1.0.2/24, default via 10.1.0.1)
//	r (eth1 10.1.0.1/24 toward c, eth0 172.17.0.33/24 toward w, forwarding)
//	w (eth0 172.17.0.1/24, no route back to 10.1.0.0/24)
type topo struct{ c, r, w string }

func newTopo(t *testing.T) topo {
	t.Helper()
	tp := topo{c: scratchNS(t), r: scratchNS(t), w: scratchNS(t)}
	veth(t, tp.r, "eth1", tp.c, "eth0")
	veth(t, tp.r, "eth0", tp.w, "eth0")
	addr(t, tp.c, "eth0", "10.1.0.2/24")
	addr(t, tp.r, "eth1", "10.1.0.1/24")
	addr(t, tp.r, "eth0", "172.17.0.33/24")
	addr(t, tp.w, "eth0", "172.17.0.1/24")
	h := nettest.Handle(t, tp.c)
	if err := h.RouteAdd(&netlink.Route{Gw: net.ParseIP("10.1.0.1")}); err != nil {
		t.Fatalf("default route in %s: %v", tp.c, err)
	}
	// Written from a thread inside r: /proc/sys/net belongs to the
	// namespace of the thread that opens it.
	if err := ns.Do(tp.r, func() error {
		return os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1\n"), 0o644)
	}); err != nil {
		t.Fatalf("ip_forward in %s: %v", tp.r, err)
	}
	if got := run(t, tp.r, "cat", "/proc/sys/net/ipv4/ip_forward"); got != "1\n" {
		t.Fatalf("ip_forward in %s = %q", tp.r, got)
	}
	return tp
}

// veth makes the pair inside the namespaces directly, never passing
// through the machine's own.
func veth(t *testing.T, netnsA, nameA, netnsB, nameB string) {
	t.Helper()
	fdB, err := ns.Open(netnsB)
	if err != nil {
		t.Fatal(err)
	}
	defer fdB.Close()
	v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: nameA}, PeerName: nameB, PeerNamespace: netlink.NsFd(fdB)}
	if err := nettest.Handle(t, netnsA).LinkAdd(v); err != nil {
		t.Fatalf("veth %s/%s - %s/%s: %v", netnsA, nameA, netnsB, nameB, err)
	}
}

func addr(t *testing.T, netns, dev, cidr string) {
	t.Helper()
	h := nettest.Handle(t, netns)
	for _, name := range []string{"lo", dev} {
		l, err := h.LinkByName(name)
		if err != nil {
			t.Fatalf("%s in %s: %v", name, netns, err)
		}
		if err := h.LinkSetUp(l); err != nil {
			t.Fatalf("up %s in %s: %v", name, netns, err)
		}
	}
	a, err := netlink.ParseAddr(cidr)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := h.LinkByName(dev)
	if err := h.AddrAdd(l, a); err != nil {
		t.Fatalf("addr %s on %s in %s: %v", cidr, dev, netns, err)
	}
}

// listen opens a TCP listener from a thread inside the namespace; the
// socket stays there when the thread leaves.
func listen(t *testing.T, netns, address string) *net.TCPListener {
	t.Helper()
	var ln net.Listener
	if err := ns.Do(netns, func() (err error) {
		ln, err = net.Listen("tcp4", address)
		return err
	}); err != nil {
		t.Fatalf("listen on %s in %s: %v", address, netns, err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln.(*net.TCPListener)
}

// connect dials from a socket made inside the namespace and returns the
// source address the listener saw, or the dial error. Deadlines only bound
// the test; nothing here measures time.
func connect(t *testing.T, ln *net.TCPListener, netns, address string) (netip.Addr, error) {
	t.Helper()
	var conn net.Conn
	err := ns.Do(netns, func() (err error) {
		d := net.Dialer{Timeout: time.Second}
		conn, err = d.Dial("tcp4", address)
		return err
	})
	if err != nil {
		return netip.Addr{}, err
	}
	defer conn.Close()
	ln.SetDeadline(time.Now().Add(5 * time.Second))
	in, err := ln.AcceptTCP()
	if err != nil {
		t.Fatalf("connected to %s from %s but nothing accepted: %v", address, netns, err)
	}
	defer in.Close()
	return in.RemoteAddr().(*net.TCPAddr).AddrPort().Addr().Unmap(), nil
}

// Without masquerade, w cannot answer c; with it, w sees r's address.
func TestMasqueradeForwards(t *testing.T) {
	kernelTest(t)
	tp := newTopo(t)
	ln := listen(t, tp.w, "172.17.0.1:8080")

	if src, err := connect(t, ln, tp.c, "172.17.0.1:8080"); err == nil {
		t.Fatalf("c reached w without masquerade (seen from %v): the topology is wrong", src)
	}
	if err := (Masquerade{Netns: tp.r, Table: "cnilab", Src: "10.1.0.0/24", OutIface: "eth0"}).Apply(); err != nil {
		t.Fatal(err)
	}
	src, err := connect(t, ln, tp.c, "172.17.0.1:8080")
	if err != nil {
		t.Fatalf("c cannot reach w with masquerade: %v", err)
	}
	if src != netip.MustParseAddr("172.17.0.33") {
		t.Errorf("w saw the connection from %v, want r's 172.17.0.33", src)
	}
}

// The same with the iptables-style rule `! -o cni0`: everything not
// leaving through the named interface is masqueraded.
func TestMasqueradeNotOutIface(t *testing.T) {
	kernelTest(t)
	tp := newTopo(t)
	ln := listen(t, tp.w, "172.17.0.1:8080")
	if err := (Masquerade{Netns: tp.r, Table: "cnilab", Src: "10.1.0.0/24", NotOutIface: "eth1"}).Apply(); err != nil {
		t.Fatal(err)
	}
	if src, err := connect(t, ln, tp.c, "172.17.0.1:8080"); err != nil || src != netip.MustParseAddr("172.17.0.33") {
		t.Errorf("connect c -> w = %v, %v; want seen from 172.17.0.33", src, err)
	}
}

// Without DNAT, r refuses port 80; with it, w reaches c's listener
// through r's address, and c sees w's own address.
func TestDNATForwards(t *testing.T) {
	kernelTest(t)
	tp := newTopo(t)
	ln := listen(t, tp.c, "10.1.0.2:80")

	if _, err := connect(t, ln, tp.w, "172.17.0.33:80"); err == nil {
		t.Fatal("w reached c without dnat: the topology is wrong")
	}
	if err := (DNAT{Netns: tp.r, Table: "cnilab", Proto: "tcp", Dport: 80, ToAddr: "10.1.0.2", ToPort: 80, InIface: "eth0"}).Apply(); err != nil {
		t.Fatal(err)
	}
	src, err := connect(t, ln, tp.w, "172.17.0.33:80")
	if err != nil {
		t.Fatalf("w cannot reach c through dnat: %v", err)
	}
	if src != netip.MustParseAddr("172.17.0.1") {
		t.Errorf("c saw the connection from %v, want w's 172.17.0.1", src)
	}
}
