package probe

import (
	"encoding/binary"
	"net/netip"
)

// ICMP types and the IP protocol number this file reads (RFC 792).
const (
	protoICMP        = 1
	typeEchoReply    = 0
	typeDstUnreach   = 3
	typeEcho         = 8
	typeTimeExceeded = 11
)

// answer is what a received packet says about our probe.
type answer struct {
	seq    int    // which of our requests it answers, 1-based
	ttl    int    // echo reply: TTL in its IPv4 header
	reason string // ICMP error: why the request got no reply; "" for a reply
}

// ipv4Header is the part of an IPv4 header this package reads.
type ipv4Header struct {
	ttl      int
	protocol int
	src, dst netip.Addr
	payload  []byte
}

// parseIPv4 splits an IPv4 header from what follows. It trusts the header
// length, not the total length: a header quoted in an ICMP error comes with
// only the first bytes of its datagram.
func parseIPv4(b []byte) (ipv4Header, bool) {
	if len(b) < 20 || b[0]>>4 != 4 {
		return ipv4Header{}, false
	}
	hl := int(b[0]&0x0f) * 4
	if hl < 20 || len(b) < hl {
		return ipv4Header{}, false
	}
	return ipv4Header{
		ttl:      int(b[8]),
		protocol: int(b[9]),
		src:      netip.AddrFrom4([4]byte(b[12:16])),
		dst:      netip.AddrFrom4([4]byte(b[16:20])),
		payload:  b[hl:],
	}, true
}

// echoIDSeq reads the id and sequence of an ICMP echo or echo reply.
func echoIDSeq(icmp []byte) (id uint16, seq int) {
	return binary.BigEndian.Uint16(icmp[4:6]), int(binary.BigEndian.Uint16(icmp[6:8]))
}

// match reads one packet as a raw ICMP socket delivers it (IPv4 header
// first) and reports whether it answers one of our echo requests to dst with
// this id and a sequence in 1..sent. A reply must come from dst itself; an
// ICMP error may come from any router, but must quote our request.
func match(pkt []byte, dst netip.Addr, id uint16, sent int) (answer, bool) {
	ip, ok := parseIPv4(pkt)
	if !ok || ip.protocol != protoICMP || len(ip.payload) < 8 {
		return answer{}, false
	}
	msg := ip.payload
	switch msg[0] {
	case typeEchoReply:
		gotID, seq := echoIDSeq(msg)
		if msg[1] != 0 || ip.src != dst || gotID != id || seq < 1 || seq > sent {
			return answer{}, false
		}
		return answer{seq: seq, ttl: ip.ttl}, true
	case typeDstUnreach, typeTimeExceeded:
		// The error quotes the IPv4 header and first 8 bytes of the packet
		// that failed, after its own 8-byte ICMP header.
		orig, ok := parseIPv4(msg[8:])
		if !ok || orig.protocol != protoICMP || orig.dst != dst || len(orig.payload) < 8 {
			return answer{}, false
		}
		q := orig.payload
		gotID, seq := echoIDSeq(q)
		if q[0] != typeEcho || gotID != id || seq < 1 || seq > sent {
			return answer{}, false
		}
		return answer{seq: seq, reason: icmpErrorReason(int(msg[0]), int(msg[1]), ip.src)}, true
	}
	return answer{}, false
}
