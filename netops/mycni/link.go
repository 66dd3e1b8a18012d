package mycni

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/containernetworking/cni/pkg/types"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/cnilab/lab/netops/ns"
)

// The plugin changes two namespaces: its own (the node's, "the host netns"),
// where the bridge and the host ends of the veths live, through the netlink
// package's default handle; and the container's, CNI_NETNS, through a
// netlink handle bound to it. No thread ever switches namespace.

const hostNS = "the host netns"

// HostVethName is the name of the host end of the veth of an attachment:
// "veth" and 8 hex digits of sha256(containerID/ifname). It is the same for
// every call about the attachment, so DEL and CHECK find it without state,
// and at 12 bytes it fits IFNAMSIZ.
func HostVethName(containerID, ifname string) string {
	sum := sha256.Sum256([]byte(containerID + "/" + ifname))
	return "veth" + hex.EncodeToString(sum[:4])
}

func kernelError(format string, a ...any) *types.Error {
	return types.NewError(CodeKernel, fmt.Sprintf(format, a...), "")
}

func isNotFound(err error) bool {
	var nf netlink.LinkNotFoundError
	return errors.As(err, &nf) || errors.Is(err, unix.ENODEV)
}

func ipNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

func defaultDst() *net.IPNet { return &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)} }

// containerNS is CNI_NETNS, opened, with a netlink handle bound to it.
type containerNS struct {
	path string
	fd   netns.NsHandle
	h    *netlink.Handle
}

// nsError is a CNI_NETNS that cannot be used: gone (it does not exist or is
// not a network namespace: DEL has nothing to do there) or the plugin's own.
type nsError struct {
	gone bool
	err  *types.Error
}

func (e *nsError) Error() string { return e.err.Error() }
func (e *nsError) Unwrap() error { return e.err }

func badNetns(gone bool, format string, a ...any) *nsError {
	return &nsError{gone: gone, err: types.NewError(types.ErrInvalidEnvironmentVariables, fmt.Sprintf(format, a...), "")}
}

// openContainerNS opens CNI_NETNS and refuses the plugin's own namespace: an
// ADD there would add CNI_IFNAME to the node, a DEL would delete the node's
// eth0.
func openContainerNS(path string) (*containerNS, error) {
	fd, err := netns.GetFromPath(path)
	if err != nil {
		return nil, badNetns(true, "CNI_NETNS %s: cannot open the netns: %v", path, err)
	}
	self, err := netns.Get()
	if err != nil {
		fd.Close()
		return nil, kernelError("read the plugin's own netns: %v", err)
	}
	same := self.Equal(fd)
	self.Close()
	if same {
		fd.Close()
		return nil, badNetns(false, "CNI_NETNS %s is the plugin's own netns, not a container's", path)
	}
	h, err := netlink.NewHandleAt(fd)
	if err != nil {
		fd.Close()
		return nil, badNetns(true, "CNI_NETNS %s is not a network namespace: %v", path, err)
	}
	return &containerNS{path: path, fd: fd, h: h}, nil
}

func (c *containerNS) Close() {
	c.h.Close()
	c.fd.Close()
}

// ensureBridge makes the bridge when missing (EEXIST is fine: another ADD
// made it, or an earlier one), checks that what has the name is a bridge,
// gives it the gateway address and brings it up.
// Equivalent to: ip link add cni0 type bridge; ip addr add 10.240.0.1/24 dev cni0; ip link set cni0 up
func ensureBridge(conf *Config) (*netlink.Bridge, error) {
	la := netlink.NewLinkAttrs()
	la.Name = conf.Bridge
	la.MTU = conf.MTU
	err := netlink.LinkAdd(&netlink.Bridge{LinkAttrs: la})
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return nil, kernelError("create bridge %s in %s: %v", conf.Bridge, hostNS, err)
	}
	made := err == nil
	br, err := bridgeByName(conf.Bridge)
	if err != nil {
		return nil, err
	}
	if made {
		// Its own MAC, set: otherwise the bridge takes the lowest MAC of
		// its ports and changes it as pods come and go, and a pod that
		// learnt the gateway's old MAC gets no answer until it asks again
		// (seen: pods made at once, 1 of 6 cross-node pings lost). The
		// reference bridge plugin sets it too.
		// A new random one: set to the MAC it has, the kernel keeps its
		// bridge id at zero and its state UNKNOWN.
		if err := netlink.LinkSetHardwareAddr(br, randomMAC()); err != nil {
			return nil, kernelError("set bridge %s's mac in %s: %v", conf.Bridge, hostNS, err)
		}
	}
	gw := conf.GatewayPrefix()
	if err := netlink.AddrAdd(br, &netlink.Addr{IPNet: ipNet(gw)}); err != nil && !errors.Is(err, unix.EEXIST) {
		return nil, kernelError("add %s to bridge %s in %s: %v", gw, conf.Bridge, hostNS, err)
	}
	if err := netlink.LinkSetUp(br); err != nil {
		return nil, kernelError("set bridge %s up in %s: %v", conf.Bridge, hostNS, err)
	}
	return br, nil
}

// bridgeByName finds the bridge; an error when missing or not a bridge.
func bridgeByName(name string) (*netlink.Bridge, error) {
	l, err := netlink.LinkByName(name)
	if err != nil {
		if isNotFound(err) {
			return nil, kernelError("bridge %s does not exist in %s", name, hostNS)
		}
		return nil, kernelError("find bridge %s in %s: %v", name, hostNS, err)
	}
	br, ok := l.(*netlink.Bridge)
	if !ok {
		return nil, kernelError("%s in %s is a %s link, not a bridge", name, hostNS, l.Type())
	}
	return br, nil
}

// attachment is what ADD made: the two ends of the veth.
type attachment struct {
	host, cont netlink.Link
}

// addVeth creates the veth with its container end directly in the
// container's namespace, named CNI_IFNAME: the name never exists in the host
// netns, where it could collide with the node's own eth0. The host end goes
// into the bridge and up.
// Equivalent to: ip link add vethXXXXXXXX type veth peer name eth0 netns CNI_NETNS;
// ip link set vethXXXXXXXX master cni0 up
func addVeth(conf *Config, br *netlink.Bridge, c *containerNS, hostName, ifname string) (*attachment, error) {
	if _, err := c.h.LinkByName(ifname); err == nil {
		return nil, types.NewError(CodeExists, fmt.Sprintf("interface %s already exists in netns %s", ifname, c.path), "")
	} else if !isNotFound(err) {
		return nil, kernelError("look up %s in netns %s: %v", ifname, c.path, err)
	}
	if _, err := netlink.LinkByName(hostName); err == nil {
		return nil, types.NewError(CodeExists, fmt.Sprintf("host veth %s already exists in %s", hostName, hostNS), "")
	} else if !isNotFound(err) {
		return nil, kernelError("look up %s in %s: %v", hostName, hostNS, err)
	}

	la := netlink.NewLinkAttrs()
	la.Name = hostName
	la.MTU = conf.MTU
	veth := &netlink.Veth{LinkAttrs: la, PeerName: ifname, PeerNamespace: netlink.NsFd(int(c.fd)), PeerTxQLen: -1}
	if err := netlink.LinkAdd(veth); err != nil {
		return nil, kernelError("create veth %s in %s with peer %s in netns %s: %v", hostName, hostNS, ifname, c.path, err)
	}
	host, err := netlink.LinkByName(hostName)
	if err == nil {
		err = netlink.LinkSetMaster(host, br)
		if err != nil {
			err = fmt.Errorf("attach to bridge %s: %w", conf.Bridge, err)
		}
	}
	if err == nil {
		err = netlink.LinkSetUp(host)
	}
	if err == nil {
		host, err = netlink.LinkByName(hostName) // the MAC and flags as they are now
	}
	if err != nil {
		netlink.LinkDel(veth)
		return nil, kernelError("set up host veth %s in %s: %v", hostName, hostNS, err)
	}
	cont, err := c.h.LinkByName(ifname)
	if err != nil {
		netlink.LinkDel(veth)
		return nil, kernelError("find %s in netns %s after creating it: %v", ifname, c.path, err)
	}
	return &attachment{host: host, cont: cont}, nil
}

// configureContainer brings lo and CNI_IFNAME up, adds the address and the
// default route via the gateway.
// Equivalent to: ip -n C link set lo up; ip -n C link set eth0 up;
// ip -n C addr add 10.240.0.2/24 dev eth0; ip -n C route add default via 10.240.0.1 dev eth0
func configureContainer(conf *Config, c *containerNS, link netlink.Link, addr netip.Prefix) error {
	name := link.Attrs().Name
	lo, err := c.h.LinkByName("lo")
	if err != nil {
		return kernelError("find lo in netns %s: %v", c.path, err)
	}
	if err := c.h.LinkSetUp(lo); err != nil {
		return kernelError("set lo up in netns %s: %v", c.path, err)
	}
	if err := c.h.LinkSetUp(link); err != nil {
		return kernelError("set %s up in netns %s: %v", name, c.path, err)
	}
	if err := c.h.AddrAdd(link, &netlink.Addr{IPNet: ipNet(addr)}); err != nil {
		return kernelError("add %s to %s in netns %s: %v", addr, name, c.path, err)
	}
	route := &netlink.Route{LinkIndex: link.Attrs().Index, Dst: defaultDst(), Gw: conf.Gateway.AsSlice()}
	if err := c.h.RouteAdd(route); err != nil {
		return kernelError("add default route via %s dev %s in netns %s: %v", conf.Gateway, name, c.path, err)
	}
	return nil
}

// deleteLink deletes a link by name through h; a missing link is not an
// error. Deleting either end of a veth deletes both.
func deleteLink(h *netlink.Handle, name, where string) error {
	l, err := h.LinkByName(name)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return kernelError("look up %s in %s: %v", name, where, err)
	}
	if err := h.LinkDel(l); err != nil && !isNotFound(err) && !errors.Is(err, unix.ENOENT) {
		return kernelError("delete %s in %s: %v", name, where, err)
	}
	return nil
}

// hasAddr reports whether link has exactly the address addr (with its prefix).
func hasAddr(h *netlink.Handle, link netlink.Link, addr netip.Prefix) (bool, error) {
	addrs, err := ns.RetryDump(func() ([]netlink.Addr, error) { return h.AddrList(link, netlink.FAMILY_V4) })
	if err != nil {
		return false, err
	}
	for _, a := range addrs {
		ip, ok := netip.AddrFromSlice(a.IP)
		ones, _ := a.Mask.Size()
		if ok && netip.PrefixFrom(ip.Unmap(), ones) == addr {
			return true, nil
		}
	}
	return false, nil
}

// hasDefaultRoute reports whether link carries a default route via gw.
func hasDefaultRoute(h *netlink.Handle, link netlink.Link, gw netip.Addr) (bool, error) {
	routes, err := ns.RetryDump(func() ([]netlink.Route, error) {
		return h.RouteListFiltered(netlink.FAMILY_V4, &netlink.Route{LinkIndex: link.Attrs().Index}, netlink.RT_FILTER_OIF)
	})
	if err != nil {
		return false, err
	}
	for _, r := range routes {
		if r.Dst != nil {
			if ones, _ := r.Dst.Mask.Size(); ones != 0 {
				continue
			}
		}
		if via, ok := netip.AddrFromSlice(r.Gw); ok && via.Unmap() == gw {
			return true, nil
		}
	}
	return false, nil
}

// randomMAC is a random locally administered unicast MAC address.
func randomMAC() net.HardwareAddr {
	mac := make(net.HardwareAddr, 6)
	rand.Read(mac)
	mac[0] = mac[0]&0xfe | 0x02
	return mac
}
