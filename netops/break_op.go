package netops

import (
	"errors"
	"fmt"
	"net"

	"github.com/cnilab/lab/netops/nft"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// The operations below take something away. Break-fix scenarios use them to
// leave a realistic fault on top of a lesson's end state; like every op they
// are idempotent: what is already gone stays gone.

// RouteDel removes a route of the main table; a missing route is no error.
//
// Equivalent to: `ip route del default`
type RouteDel struct {
	Netns string `yaml:"netns"`
	Dst   string `yaml:"dst"`
}

func (o RouteDel) Commands(r Resolver) []string {
	return []string{in(r, o.Netns, "ip route del "+o.Dst)}
}

func (o RouteDel) Namespaces() []string { return []string{orHost(o.Netns)} }

func (o RouteDel) Validate() error {
	_, err := RouteAdd{Dst: o.Dst}.dst()
	return err
}

func (o RouteDel) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(orHost(o.Netns))
	h, err := s.handle(real)
	if err != nil {
		return nil, err
	}
	p, err := RouteAdd{Dst: o.Dst}.dst()
	if err != nil {
		return nil, err
	}
	dst := &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), 32)}
	err = h.RouteDel(&netlink.Route{Dst: dst, Table: unix.RT_TABLE_MAIN})
	if err != nil && !errors.Is(err, unix.ESRCH) {
		return nil, fmt.Errorf("delete route %s in netns %q: %w", o.Dst, real, err)
	}
	return nil, nil
}

// AddrDel removes an address from a link; a missing one is no error.
//
// Equivalent to: `ip addr del 172.30.0.11/24 dev client1-veth`
type AddrDel struct {
	Netns string `yaml:"netns"`
	Dev   string `yaml:"dev"`
	Addr  string `yaml:"addr"`
}

func (o AddrDel) Commands(r Resolver) []string {
	return []string{in(r, o.Netns, "ip addr del "+o.Addr+" dev "+o.Dev)}
}

func (o AddrDel) Namespaces() []string { return []string{orHost(o.Netns)} }

func (o AddrDel) Validate() error {
	if err := checkLinkName("addr_del dev", o.Dev); err != nil {
		return err
	}
	_, err := parsePrefix("addr_del", o.Addr)
	return err
}

func (o AddrDel) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(orHost(o.Netns))
	h, err := s.handle(real)
	if err != nil {
		return nil, err
	}
	l, err := h.LinkByName(o.Dev)
	if err != nil {
		return nil, fmt.Errorf("find link %q in netns %q: %w", o.Dev, real, err)
	}
	a, err := netlink.ParseAddr(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("addr_del %q: %w", o.Addr, err)
	}
	if err := h.AddrDel(l, a); err != nil && !errors.Is(err, unix.EADDRNOTAVAIL) {
		return nil, fmt.Errorf("delete address %s from %q in netns %q: %w", o.Addr, o.Dev, real, err)
	}
	return nil, nil
}

// ForwardPolicy sets the policy of iptables' FORWARD chain (table ip
// filter), as Docker leaves it on a node: DROP, so only forwarding that
// FORWARD rules accept goes through.
//
// Equivalent to: `iptables -P FORWARD DROP`
type ForwardPolicy struct {
	Netns  string `yaml:"netns"`
	Policy string `yaml:"policy"` // "drop" or "accept"
}

func (o ForwardPolicy) rule(s *Scope) nft.FilterPolicy {
	return nft.FilterPolicy{Netns: s.Netns(orHost(o.Netns)), Drop: o.Policy == "drop"}
}

func (o ForwardPolicy) Commands(r Resolver) []string {
	return []string{in(r, o.Netns, nft.FilterPolicy{Drop: o.Policy == "drop"}.Command())}
}

func (o ForwardPolicy) Namespaces() []string { return []string{orHost(o.Netns)} }

func (o ForwardPolicy) Validate() error {
	if o.Policy != "drop" && o.Policy != "accept" {
		return fmt.Errorf("forward_policy: policy %q, want drop or accept", o.Policy)
	}
	return nil
}

func (o ForwardPolicy) Apply(s *Scope) ([]Note, error) {
	return nil, o.rule(s).Apply()
}

// ICMPDrop drops the ICMP errors "destination unreachable" a namespace
// would send, "fragmentation needed" among them, as hardening guides and
// cloud firewalls do: path MTU discovery through that router goes dark.
//
// Equivalent to: `iptables -A OUTPUT -p icmp --icmp-type destination-unreachable -j DROP`
type ICMPDrop struct {
	Netns string `yaml:"netns"`
}

func (o ICMPDrop) Commands(r Resolver) []string {
	return []string{in(r, o.Netns, nft.OutputICMPDrop{}.Command())}
}

func (o ICMPDrop) Namespaces() []string { return []string{orHost(o.Netns)} }

func (o ICMPDrop) Validate() error { return nil }

func (o ICMPDrop) Apply(s *Scope) ([]Note, error) {
	return nil, nft.OutputICMPDrop{Netns: s.Netns(orHost(o.Netns))}.Apply()
}
