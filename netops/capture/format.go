package capture

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Format renders a raw Ethernet frame as tcpdump does by default, without
// the timestamp: "IP 10.0.0.11 > 10.0.0.12: ICMP echo request, id 7, seq 1,
// length 64". A VXLAN packet shows its inner frame after " | ". Lengths are
// tcpdump's: the ICMP message, the TCP or UDP payload, the ARP packet with
// any Ethernet padding. TCP shows absolute sequence numbers and no window
// or options, as `tcpdump -S` would with those fields left out.
//
// Equivalent to: `ip netns exec NETNS tcpdump -n -i IFACE` printing a line.
func Format(data []byte) string {
	pkt := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.DecodeOptions{NoCopy: true})
	return ether(pkt.Layers(), len(data))
}

// ether formats the frame whose layers start at ls[0].
func ether(ls []gopacket.Layer, length int) string {
	if len(ls) == 0 {
		return fmt.Sprintf("truncated frame, length %d", length)
	}
	eth, ok := ls[0].(*layers.Ethernet)
	if !ok {
		return fmt.Sprintf("truncated frame, length %d", length)
	}
	typ, rest := eth.EthernetType, ls[1:]
	// A VLAN tag only moves the real ethertype four bytes on.
	for len(rest) > 0 {
		tag, ok := rest[0].(*layers.Dot1Q)
		if !ok {
			break
		}
		typ, rest = tag.Type, rest[1:]
	}
	if len(rest) > 0 {
		switch l := rest[0].(type) {
		case *layers.ARP:
			return arp(l)
		case *layers.IPv4:
			return ipv4(l, rest[1:])
		case *layers.IPv6:
			return ipv6(l, rest[1:])
		}
	}
	if eth.Length > 0 {
		// An 802.3 length field instead of an ethertype (STP, LLDP's elders).
		return fmt.Sprintf("802.3, length %d", length)
	}
	return fmt.Sprintf("ethertype 0x%04x, length %d", uint16(typ), length)
}

func arp(a *layers.ARP) string {
	// The length is what followed the Ethernet header, padding included.
	tail := fmt.Sprintf(", length %d", len(a.Contents)+len(a.Payload))
	if a.AddrType != layers.LinkTypeEthernet || a.Protocol != layers.EthernetTypeIPv4 ||
		len(a.SourceProtAddress) != 4 || len(a.DstProtAddress) != 4 {
		return fmt.Sprintf("ARP, hardware type %d, protocol 0x%04x", uint16(a.AddrType), uint16(a.Protocol)) + tail
	}
	sender, target := addr(a.SourceProtAddress), addr(a.DstProtAddress)
	switch a.Operation {
	case layers.ARPRequest:
		s := "ARP, Request who-has " + target
		// A unicast re-check names the MAC it expects; tcpdump shows it.
		if nonzero(a.DstHwAddress) {
			s += " (" + net.HardwareAddr(a.DstHwAddress).String() + ")"
		}
		return s + " tell " + sender + tail
	case layers.ARPReply:
		return "ARP, Reply " + sender + " is-at " + net.HardwareAddr(a.SourceHwAddress).String() + tail
	}
	return fmt.Sprintf("ARP, operation %d", a.Operation) + tail
}

func ipv4(ip *layers.IPv4, rest []gopacket.Layer) string {
	src, dst := ip.SrcIP.String(), ip.DstIP.String()
	if ip.FragOffset == 0 && len(rest) > 0 {
		if s, ok := transport("IP", src, dst, "", rest); ok {
			return s
		}
	}
	return fmt.Sprintf("IP %s > %s: ip-proto-%d %d", src, dst, ip.Protocol, len(ip.Payload))
}

func ipv6(ip *layers.IPv6, rest []gopacket.Layer) string {
	src, dst := ip.SrcIP.String(), ip.DstIP.String()
	// Extension headers come first, named as tcpdump names them.
	var ext []string
	for len(rest) > 0 {
		name := ""
		switch rest[0].(type) {
		case *layers.IPv6HopByHop:
			name = "HBH"
		case *layers.IPv6Destination:
			name = "DSTOPT"
		case *layers.IPv6Routing:
			name = "srcrt"
		case *layers.IPv6Fragment:
			name = "frag"
		}
		if name == "" {
			break
		}
		ext, rest = append(ext, name+" "), rest[1:]
	}
	if len(rest) > 0 {
		if s, ok := transport("IP6", src, dst, strings.Join(ext, ""), rest); ok {
			return s
		}
	}
	return fmt.Sprintf("IP6 %s > %s: %sip-proto-%d %d", src, dst, strings.Join(ext, ""), ip.NextHeader, len(ip.Payload))
}

// transport formats what an IP header carries, with the IP header's
// addresses and the names of its extension headers (ext), or reports false
// when it is none of the kinds known here.
func transport(family, src, dst, ext string, rest []gopacket.Layer) (string, bool) {
	switch l := rest[0].(type) {
	case *layers.ICMPv4:
		return fmt.Sprintf("%s %s > %s: %s%s", family, src, dst, ext, icmp4(l)), true
	case *layers.ICMPv6:
		return fmt.Sprintf("%s %s > %s: %s%s", family, src, dst, ext, icmp6(l)), true
	case *layers.TCP:
		return fmt.Sprintf("%s %s.%d > %s.%d: %s%s", family, src, l.SrcPort, dst, l.DstPort, ext, tcp(l)), true
	case *layers.UDP:
		s := fmt.Sprintf("%s %s.%d > %s.%d: %s", family, src, l.SrcPort, dst, l.DstPort, ext)
		if len(rest) > 1 {
			if vx, ok := rest[1].(*layers.VXLAN); ok {
				return s + vxlan(vx, rest[2:]), true
			}
		}
		n := int(l.Length) - 8
		if l.Length < 8 {
			n = len(l.Payload)
		}
		return s + fmt.Sprintf("UDP, length %d", n), true
	case *layers.IPv4:
		// IP in IP, as Calico and the ipip module tunnel: both headers.
		return fmt.Sprintf("%s %s > %s: %s%s", family, src, dst, ext, ipv4(l, rest[1:])), true
	}
	return "", false
}

// tcpFlags are in tcpdump's order: FIN SYN RST PSH ACK URG ECE CWR.
var tcpFlags = []struct {
	on   func(*layers.TCP) bool
	name string
}{
	{func(t *layers.TCP) bool { return t.FIN }, "F"},
	{func(t *layers.TCP) bool { return t.SYN }, "S"},
	{func(t *layers.TCP) bool { return t.RST }, "R"},
	{func(t *layers.TCP) bool { return t.PSH }, "P"},
	{func(t *layers.TCP) bool { return t.ACK }, "."},
	{func(t *layers.TCP) bool { return t.URG }, "U"},
	{func(t *layers.TCP) bool { return t.ECE }, "E"},
	{func(t *layers.TCP) bool { return t.CWR }, "W"},
}

func tcp(t *layers.TCP) string {
	var flags strings.Builder
	for _, f := range tcpFlags {
		if f.on(t) {
			flags.WriteString(f.name)
		}
	}
	if flags.Len() == 0 {
		flags.WriteString("none")
	}
	n := len(t.Payload)
	s := "Flags [" + flags.String() + "]"
	// tcpdump shows the sequence number only when it means something.
	if n > 0 || t.SYN || t.FIN || t.RST {
		s += fmt.Sprintf(", seq %d", t.Seq)
		if n > 0 {
			s += fmt.Sprintf(":%d", t.Seq+uint32(n))
		}
	}
	if t.ACK {
		s += fmt.Sprintf(", ack %d", t.Ack)
	}
	return s + fmt.Sprintf(", length %d", n)
}

func vxlan(vx *layers.VXLAN, inner []gopacket.Layer) string {
	flags := vx.Contents[0]
	i := "."
	if flags&0x08 != 0 {
		i = "I"
	}
	s := fmt.Sprintf("VXLAN, flags [%s] (0x%02x), vni %d", i, flags, vx.VNI)
	if len(inner) > 0 {
		s += " | " + ether(inner, len(vx.Payload))
	}
	return s
}

func icmp4(c *layers.ICMPv4) string {
	tail := fmt.Sprintf(", length %d", len(c.Contents)+len(c.Payload))
	typ, code := c.TypeCode.Type(), c.TypeCode.Code()
	switch typ {
	case layers.ICMPv4TypeEchoRequest:
		return fmt.Sprintf("ICMP echo request, id %d, seq %d", c.Id, c.Seq) + tail
	case layers.ICMPv4TypeEchoReply:
		return fmt.Sprintf("ICMP echo reply, id %d, seq %d", c.Id, c.Seq) + tail
	case layers.ICMPv4TypeDestinationUnreachable:
		return "ICMP " + unreachable(code, c.Seq, c.Payload) + tail
	case layers.ICMPv4TypeTimeExceeded:
		if code == 1 {
			return "ICMP ip reassembly time exceeded" + tail
		}
		return "ICMP time exceeded in-transit" + tail
	case layers.ICMPv4TypeRedirect:
		// The gateway sits where an echo has its id and seq.
		gw := addr([]byte{byte(c.Id >> 8), byte(c.Id), byte(c.Seq >> 8), byte(c.Seq)})
		to := "host"
		if code == 0 || code == 2 {
			to = "net"
		}
		return fmt.Sprintf("ICMP redirect %s to %s %s", quoted(c.Payload).dst, to, gw) + tail
	}
	return fmt.Sprintf("ICMP type-#%d", typ) + tail
}

// quote is what an ICMP error quotes of the datagram that caused it.
type quote struct {
	dst   string
	proto byte
	dport uint16
}

func quoted(b []byte) quote {
	if len(b) < 20 {
		return quote{dst: "?"}
	}
	q := quote{dst: addr(b[16:20]), proto: b[9]}
	if hl := int(b[0]&0x0f) * 4; len(b) >= hl+4 {
		q.dport = binary.BigEndian.Uint16(b[hl+2:])
	}
	return q
}

// unreachable words a destination-unreachable as tcpdump does, naming the
// quoted datagram's destination. mtu is the next-hop MTU of code 4.
func unreachable(code uint8, mtu uint16, payload []byte) string {
	q := quoted(payload)
	switch code {
	case 0:
		return "net " + q.dst + " unreachable"
	case 1:
		return "host " + q.dst + " unreachable"
	case 2:
		return fmt.Sprintf("%s protocol %d unreachable", q.dst, q.proto)
	case 3:
		proto := map[byte]string{6: "tcp", 17: "udp"}[q.proto]
		if proto == "" {
			return fmt.Sprintf("%s protocol %d port %d unreachable", q.dst, q.proto, q.dport)
		}
		return fmt.Sprintf("%s %s port %d unreachable", q.dst, proto, q.dport)
	case 4:
		return fmt.Sprintf("%s unreachable - need to frag (mtu %d)", q.dst, mtu)
	case 5:
		return q.dst + " unreachable - source route failed"
	case 6:
		return "net " + q.dst + " unreachable - unknown"
	case 7:
		return "host " + q.dst + " unreachable - unknown"
	case 8:
		return q.dst + " unreachable - source host isolated"
	case 9:
		return "net " + q.dst + " unreachable - admin prohibited"
	case 10:
		return "host " + q.dst + " unreachable - admin prohibited"
	case 11:
		return "net " + q.dst + " unreachable - tos prohibited"
	case 12:
		return "host " + q.dst + " unreachable - tos prohibited"
	case 13:
		return "host " + q.dst + " unreachable - admin prohibited filter"
	case 14:
		return "host " + q.dst + " unreachable - host precedence violation"
	case 15:
		return "host " + q.dst + " unreachable - precedence cutoff"
	}
	return fmt.Sprintf("%s unreachable - #%d", q.dst, code)
}

func icmp6(c *layers.ICMPv6) string {
	tail := fmt.Sprintf(", length %d", len(c.Contents)+len(c.Payload))
	b := c.Payload // the message after type, code and checksum
	typ := c.TypeCode.Type()
	switch typ {
	case layers.ICMPv6TypeEchoRequest, layers.ICMPv6TypeEchoReply:
		kind := "request"
		if typ == layers.ICMPv6TypeEchoReply {
			kind = "reply"
		}
		if len(b) >= 4 {
			return fmt.Sprintf("ICMP6, echo %s, id %d, seq %d", kind, binary.BigEndian.Uint16(b), binary.BigEndian.Uint16(b[2:])) + tail
		}
		return "ICMP6, echo " + kind + tail
	case layers.ICMPv6TypeNeighborSolicitation:
		if len(b) >= 20 {
			return "ICMP6, neighbor solicitation, who has " + addr(b[4:20]) + tail
		}
		return "ICMP6, neighbor solicitation" + tail
	case layers.ICMPv6TypeNeighborAdvertisement:
		if len(b) >= 20 {
			return "ICMP6, neighbor advertisement, tgt is " + addr(b[4:20]) + tail
		}
		return "ICMP6, neighbor advertisement" + tail
	case layers.ICMPv6TypePacketTooBig:
		if len(b) >= 4 {
			return fmt.Sprintf("ICMP6, packet too big, mtu %d", binary.BigEndian.Uint32(b)) + tail
		}
	}
	names := map[uint8]string{
		layers.ICMPv6TypeDestinationUnreachable: "destination unreachable",
		layers.ICMPv6TypePacketTooBig:           "packet too big",
		layers.ICMPv6TypeTimeExceeded:           "time exceeded in-transit",
		layers.ICMPv6TypeRouterSolicitation:     "router solicitation",
		layers.ICMPv6TypeRouterAdvertisement:    "router advertisement",
		143:                                     "multicast listener report v2",
	}
	if name, ok := names[typ]; ok {
		return "ICMP6, " + name + tail
	}
	return fmt.Sprintf("ICMP6, type %d", typ) + tail
}

// addr renders a 4- or 16-byte address.
func addr(b []byte) string {
	if a, ok := netip.AddrFromSlice(b); ok {
		return a.String()
	}
	return "?"
}

func nonzero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return true
		}
	}
	return false
}
