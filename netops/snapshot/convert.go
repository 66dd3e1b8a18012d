package snapshot

import (
	"net"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// linkFlags keeps the flags a lesson reasons about, in the order ip prints
// them. NO-CARRIER is not a kernel flag: ip derives it from UP without
// RUNNING, which is how a veth whose peer is down looks.
func linkFlags(raw uint32) []string {
	var f []string
	if raw&unix.IFF_UP != 0 && raw&unix.IFF_RUNNING == 0 {
		f = append(f, "NO-CARRIER")
	}
	if raw&unix.IFF_LOOPBACK != 0 {
		f = append(f, "LOOPBACK")
	}
	if raw&unix.IFF_UP != 0 {
		f = append(f, "UP")
	}
	if raw&unix.IFF_LOWER_UP != 0 {
		f = append(f, "LOWER_UP")
	}
	return f
}

// settledLink reports a link whose carrier is on but whose operstate the
// kernel has not caught up with (see Link.Pending) as it will be in a
// moment, so a diff taken right after `ip link set up` shows the result.
func settledLink(l Link, raw uint32) Link {
	up, carrier := raw&unix.IFF_UP != 0, raw&unix.IFF_LOWER_UP != 0
	if !up || !carrier || raw&unix.IFF_RUNNING != 0 || l.State == "UNKNOWN" {
		return l
	}
	l.Pending = true
	l.State = "UP"
	flags := l.Flags[:0:0]
	for _, f := range l.Flags {
		if f != "NO-CARRIER" {
			flags = append(flags, f)
		}
	}
	l.Flags = flags
	return l
}

// operState spells the operstate as ip does ("LOWERLAYERDOWN", not
// netlink's "lower-layer-down").
func operState(s netlink.LinkOperState) string {
	switch s {
	case netlink.OperUp:
		return "UP"
	case netlink.OperDown:
		return "DOWN"
	case netlink.OperLowerLayerDown:
		return "LOWERLAYERDOWN"
	case netlink.OperDormant:
		return "DORMANT"
	case netlink.OperTesting:
		return "TESTING"
	case netlink.OperNotPresent:
		return "NOTPRESENT"
	default:
		return "UNKNOWN"
	}
}

// routeDst prints the destination as ip does: "default" for 0/0 and a bare
// address for a host route.
func routeDst(dst *net.IPNet) string {
	if dst == nil {
		return "default"
	}
	ones, bits := dst.Mask.Size()
	switch {
	case ones == 0:
		return "default"
	case ones == bits:
		return dst.IP.String()
	default:
		return dst.String()
	}
}

// routeProto names the protocol as ip does; numbers it has no name for stay numbers.
func routeProto(p netlink.RouteProtocol) string {
	switch int(p) {
	case unix.RTPROT_UNSPEC:
		return ""
	case unix.RTPROT_REDIRECT:
		return "redirect"
	case unix.RTPROT_KERNEL:
		return "kernel"
	case unix.RTPROT_BOOT:
		return "boot"
	case unix.RTPROT_STATIC:
		return "static"
	case unix.RTPROT_RA:
		return "ra"
	case unix.RTPROT_DHCP:
		return "dhcp"
	}
	s := p.String()
	if _, err := strconv.Atoi(s); err == nil || s == "" {
		return strconv.Itoa(int(p))
	}
	return s
}

// routeScope is "" for universe, which ip does not print.
func routeScope(s netlink.Scope) string {
	switch s {
	case netlink.SCOPE_UNIVERSE:
		return ""
	case netlink.SCOPE_LINK:
		return "link"
	case netlink.SCOPE_HOST:
		return "host"
	case netlink.SCOPE_SITE:
		return "site"
	case netlink.SCOPE_NOWHERE:
		return "nowhere"
	default:
		return strconv.Itoa(int(s))
	}
}

// routeType is "" for unicast, which ip does not print either.
func routeType(t int) string {
	switch t {
	case unix.RTN_UNICAST, unix.RTN_UNSPEC:
		return ""
	case unix.RTN_LOCAL:
		return "local"
	case unix.RTN_BROADCAST:
		return "broadcast"
	case unix.RTN_ANYCAST:
		return "anycast"
	case unix.RTN_MULTICAST:
		return "multicast"
	case unix.RTN_BLACKHOLE:
		return "blackhole"
	case unix.RTN_UNREACHABLE:
		return "unreachable"
	case unix.RTN_PROHIBIT:
		return "prohibit"
	case unix.RTN_THROW:
		return "throw"
	default:
		return strconv.Itoa(t)
	}
}

// neighState names the NUD bits in the order ip prints them when several are set.
func neighState(state int) string {
	neighStates := []struct {
		bit  int
		name string
	}{
		{netlink.NUD_INCOMPLETE, "INCOMPLETE"},
		{netlink.NUD_REACHABLE, "REACHABLE"},
		{netlink.NUD_STALE, "STALE"},
		{netlink.NUD_DELAY, "DELAY"},
		{netlink.NUD_PROBE, "PROBE"},
		{netlink.NUD_FAILED, "FAILED"},
		{netlink.NUD_NOARP, "NOARP"},
		{netlink.NUD_PERMANENT, "PERMANENT"},
	}
	var names []string
	for _, s := range neighStates {
		if state&s.bit != 0 {
			names = append(names, s.name)
		}
	}
	return strings.Join(names, " ")
}

// keepNeigh drops what `ip neigh show` hides by default: NOARP entries
// (multicast, broadcast, point-to-point) and state NONE leftovers, which say
// nothing about who answered ARP.
func keepNeigh(n netlink.Neigh) bool {
	if n.IP == nil || n.IP.To4() == nil {
		return false
	}
	return n.State != netlink.NUD_NONE && n.State&netlink.NUD_NOARP == 0
}
