package netops

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/vishvananda/netlink"
)

// RouteAdd adds an IPv4 route to the main table; "default" is 0.0.0.0/0.
// An existing route to the same destination is replaced, so applying twice
// leaves one route.
//
// Equivalent to: `ip route add default via 172.30.0.1`
type RouteAdd struct {
	Netns string `yaml:"netns"`
	Dst   string `yaml:"dst"`
	Via   string `yaml:"via"`
	Dev   string `yaml:"dev"`
}

func (o RouteAdd) Commands(r Resolver) []string {
	var b strings.Builder
	b.WriteString("ip route add " + o.Dst)
	if o.Via != "" {
		b.WriteString(" via " + o.Via)
	}
	if o.Dev != "" {
		b.WriteString(" dev " + o.Dev)
	}
	return []string{in(r, o.Netns, b.String())}
}

func (o RouteAdd) Namespaces() []string { return []string{orHost(o.Netns)} }

func (o RouteAdd) Validate() error {
	if _, err := o.dst(); err != nil {
		return err
	}
	if o.Via == "" && o.Dev == "" {
		return fmt.Errorf("route %s: give via or dev", o.Dst)
	}
	if o.Via != "" {
		if _, err := parseAddr("route "+o.Dst+" via", o.Via); err != nil {
			return err
		}
	}
	if o.Dev != "" {
		return checkLinkName("route "+o.Dst+" dev", o.Dev)
	}
	return nil
}

func (o RouteAdd) dst() (netip.Prefix, error) {
	if o.Dst == "default" {
		return netip.MustParsePrefix("0.0.0.0/0"), nil
	}
	p, err := netip.ParsePrefix(o.Dst)
	if err != nil || !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("route: %q is not \"default\" or an IPv4 prefix like 10.0.0.0/24", o.Dst)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("route: %q has host bits set; did you mean %s?", o.Dst, p.Masked())
	}
	return p, nil
}

func (o RouteAdd) Apply(s *Scope) ([]Note, error) {
	real := s.Netns(orHost(o.Netns))
	dst, err := o.dst()
	if err != nil {
		return nil, err
	}
	h, err := s.handle(real)
	if err != nil {
		return nil, err
	}
	rt := &netlink.Route{Dst: &net.IPNet{IP: dst.Addr().AsSlice(), Mask: net.CIDRMask(dst.Bits(), 32)}}
	if o.Via != "" {
		gw, _ := parseAddr("via", o.Via)
		rt.Gw = gw.AsSlice()
	}
	if o.Dev != "" {
		l, err := h.LinkByName(o.Dev)
		if err != nil {
			return nil, fmt.Errorf("find link %q in netns %q: %w", o.Dev, real, err)
		}
		rt.LinkIndex = l.Attrs().Index
	}
	if err := h.RouteReplace(rt); err != nil {
		return nil, fmt.Errorf("add route %s in netns %q: %w", strings.TrimPrefix(o.Commands(s)[0], "ip netns exec "+real+" "), real, err)
	}
	return nil, nil
}
