package netops

import (
	"errors"
	"fmt"
	"net"

	"github.com/cnilab/lab/netops/ipv4"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

var errExist = unix.EEXIST

// AddrAdd puts an IPv4 address on a link.
//
// Equivalent to: `ip addr add 10.0.0.11/24 dev veth-client`
type AddrAdd struct {
	Netns string `yaml:"netns"`
	Dev   string `yaml:"dev"`
	Addr  string `yaml:"addr"`
}

func (o AddrAdd) Commands(r Resolver) []string {
	return []string{in(r, o.Netns, "ip addr add "+o.Addr+" dev "+o.Dev)}
}

func (o AddrAdd) Namespaces() []string { return []string{orHost(o.Netns)} }

func (o AddrAdd) Validate() error {
	if err := checkLinkName("addr", o.Dev); err != nil {
		return err
	}
	p, err := parsePrefix("addr on "+o.Dev, o.Addr)
	if err != nil {
		return err
	}
	// The network and broadcast addresses of a subnet are not host
	// addresses (a /31 and /32 have neither).
	if p.Bits() < 31 {
		if p.Addr() == p.Masked().Addr() {
			return fmt.Errorf("addr on %s: %s is the network address of %s, not a host's", o.Dev, p.Addr(), p.Masked())
		}
		if p.Addr() == ipv4.Last(p) {
			return fmt.Errorf("addr on %s: %s is the broadcast address of %s, not a host's", o.Dev, p.Addr(), p.Masked())
		}
	}
	return nil
}

func (o AddrAdd) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(orHost(o.Netns))
	p, err := parsePrefix("addr on "+o.Dev, o.Addr)
	if err != nil {
		return nil, err
	}
	h, err := s.handle(real)
	if err != nil {
		return nil, err
	}
	l, err := h.LinkByName(o.Dev)
	if err != nil {
		return nil, fmt.Errorf("find link %q in netns %q: %w", o.Dev, real, err)
	}
	ipnet := &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), 32)}
	if err := h.AddrAdd(l, &netlink.Addr{IPNet: ipnet}); err != nil && !errors.Is(err, errExist) {
		return nil, fmt.Errorf("add address %s to %q in netns %q: %w", o.Addr, o.Dev, real, err)
	}
	return nil, nil
}
