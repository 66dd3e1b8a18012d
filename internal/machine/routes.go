package machine

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// routeLines lists the IPv4 and IPv6 routes of every table. It parses the
// raw dump instead of netlink.RouteListFiltered because netlink.Route drops
// the expiry, the one attribute that tells a route learned from a router
// advertisement (it disappears by itself) from a configured one.
func routeLines(names map[int]string) ([]string, error) {
	var lines []string
	for _, family := range []int{unix.AF_INET, unix.AF_INET6} {
		msgs, err := dump(familyName(family)+" routes", func() ([][]byte, error) {
			req := nl.NewNetlinkRequest(unix.RTM_GETROUTE, unix.NLM_F_DUMP)
			req.AddData(&nl.RtMsg{RtMsg: unix.RtMsg{Family: uint8(family)}})
			return req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWROUTE)
		})
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			line, keep, err := routeLine(m, names)
			if err != nil {
				return nil, fmt.Errorf("parse %s route: %w", familyName(family), err)
			}
			if keep {
				lines = append(lines, line)
			}
		}
	}
	slices.Sort(lines)
	return lines, nil
}

// rtaNHID is RTA_NH_ID from linux/rtnetlink.h, which x/sys does not name:
// the route uses a nexthop object.
const rtaNHID = 30

// routeLine renders one RTM_NEWROUTE message as
// "family table T type dst [from S] [via G] [dev D] [src P] proto P scope S metric M ...".
// keep is false for what changes by itself: cache entries and routes with
// an expiry.
func routeLine(m []byte, names map[int]string) (line string, keep bool, err error) {
	if len(m) < unix.SizeofRtMsg {
		return "", false, fmt.Errorf("short message of %d bytes", len(m))
	}
	msg := nl.DeserializeRtMsg(m)
	if msg.Flags&unix.RTM_F_CLONED != 0 {
		return "", false, nil
	}
	attrs, err := nl.ParseRouteAttr(m[unix.SizeofRtMsg:])
	if err != nil {
		return "", false, err
	}
	family := int(msg.Family)
	table := uint32(msg.Table)
	dst := "default"
	var from, via, dev, prefsrc, metric, extra string
	for _, a := range attrs {
		switch a.Attr.Type {
		case unix.RTA_TABLE:
			table = native32(a.Value)
		case unix.RTA_DST:
			dst = fmt.Sprintf("%s/%d", net.IP(a.Value), msg.Dst_len)
		case unix.RTA_SRC:
			from = fmt.Sprintf(" from %s/%d", net.IP(a.Value), msg.Src_len)
		case unix.RTA_GATEWAY:
			via = " via " + net.IP(a.Value).String()
		case unix.RTA_VIA:
			via = " via " + viaString(a.Value)
		case unix.RTA_OIF:
			dev = " dev " + devName(names, int(native32(a.Value)))
		case unix.RTA_PREFSRC:
			prefsrc = " src " + net.IP(a.Value).String()
		case unix.RTA_PRIORITY:
			metric = fmt.Sprintf(" metric %d", native32(a.Value))
		case rtaNHID:
			extra += fmt.Sprintf(" nhid %d", native32(a.Value))
		case unix.RTA_METRICS:
			extra += " metrics " + metricsString(a.Value)
		case unix.RTA_MULTIPATH:
			extra += nexthopsString(a.Value, names)
		case unix.RTA_EXPIRES:
			if family == unix.AF_INET6 {
				return "", false, nil
			}
		case unix.RTA_CACHEINFO:
			// The kernel reports an IPv6 route's remaining lifetime in
			// rta_cacheinfo.rta_expires (third u32); zero means none.
			if family == unix.AF_INET6 && len(a.Value) >= 12 && native32(a.Value[8:12]) != 0 {
				return "", false, nil
			}
		}
	}
	if msg.Tos != 0 {
		extra += fmt.Sprintf(" tos %d", msg.Tos)
	}
	line = fmt.Sprintf("%s table %s %s %s%s%s%s%s proto %s scope %s%s%s",
		familyName(family), tableName(table), routeType(msg.Type), dst, from, via, dev, prefsrc,
		protoName(msg.Protocol), scopeName(msg.Scope), metric, extra)
	return line, true, nil
}

// nexthopsString renders RTA_MULTIPATH: a run of struct rtnexthop, each
// followed by its own attributes.
func nexthopsString(b []byte, names map[int]string) string {
	var s strings.Builder
	for len(b) >= unix.SizeofRtNexthop {
		nh := nl.DeserializeRtNexthop(b)
		n := int(nh.RtNexthop.Len)
		if n < unix.SizeofRtNexthop || n > len(b) {
			break
		}
		fmt.Fprintf(&s, " nexthop dev %s weight %d", devName(names, int(nh.Ifindex)), int(nh.Hops)+1)
		if attrs, err := nl.ParseRouteAttr(b[unix.SizeofRtNexthop:n]); err == nil {
			for _, a := range attrs {
				switch a.Attr.Type {
				case unix.RTA_GATEWAY:
					s.WriteString(" via " + net.IP(a.Value).String())
				case unix.RTA_VIA:
					s.WriteString(" via " + viaString(a.Value))
				}
			}
		}
		if nh.Flags != 0 {
			fmt.Fprintf(&s, " flags %#x", nh.Flags)
		}
		n = (n + unix.RTA_ALIGNTO - 1) &^ (unix.RTA_ALIGNTO - 1)
		if n > len(b) {
			break
		}
		b = b[n:]
	}
	return s.String()
}

// viaString renders struct rtvia: a u16 family and the address.
func viaString(b []byte) string {
	if len(b) < 2 {
		return fmt.Sprintf("%x", b)
	}
	return net.IP(b[2:]).String()
}

// metricsString renders nested RTA_METRICS as "type=value,...".
func metricsString(b []byte) string {
	attrs, err := nl.ParseRouteAttr(b)
	if err != nil {
		return fmt.Sprintf("%x", b)
	}
	parts := make([]string, 0, len(attrs))
	for _, a := range attrs {
		parts = append(parts, fmt.Sprintf("%d=%s", a.Attr.Type, attrValue(a)))
	}
	return strings.Join(parts, ",")
}

func attrValue(a syscall.NetlinkRouteAttr) string {
	if len(a.Value) == 4 {
		return strconv.FormatUint(uint64(native32(a.Value)), 10)
	}
	return fmt.Sprintf("%x", a.Value)
}

func native32(b []byte) uint32 {
	if len(b) < 4 {
		return 0
	}
	return nl.NativeEndian().Uint32(b)
}

func familyName(family int) string {
	switch family {
	case unix.AF_INET:
		return "inet"
	case unix.AF_INET6:
		return "inet6"
	}
	return fmt.Sprintf("family%d", family)
}

func tableName(t uint32) string {
	switch t {
	case unix.RT_TABLE_DEFAULT:
		return "default"
	case unix.RT_TABLE_MAIN:
		return "main"
	case unix.RT_TABLE_LOCAL:
		return "local"
	}
	return strconv.FormatUint(uint64(t), 10)
}

var routeTypes = []string{"unspec", "unicast", "local", "broadcast", "anycast",
	"multicast", "blackhole", "unreachable", "prohibit", "throw", "nat", "xresolve"}

func routeType(t uint8) string {
	if int(t) < len(routeTypes) {
		return routeTypes[t]
	}
	return fmt.Sprintf("type%d", t)
}

func protoName(p uint8) string { return netlink.RouteProtocol(p).String() }

func scopeName(s uint8) string {
	if n := netlink.Scope(s).String(); n != "unknown" {
		return n
	}
	return strconv.Itoa(int(s))
}
