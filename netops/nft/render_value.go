package nft

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Values compared against a register, printed as nft prints them.

// addrText prints an address, or a prefix when fewer bytes were loaded or a
// contiguous mask applied.
func addrText(l loaded, data []byte) string {
	if len(data) > l.width {
		return ""
	}
	full := make([]byte, l.width)
	copy(full, data)
	n := len(data) * 8
	if l.mask != nil {
		var ok bool
		if n, ok = prefixLen(l.mask); !ok {
			return ""
		}
	}
	a, _ := netip.AddrFromSlice(full)
	if n == l.width*8 {
		return a.String()
	}
	return netip.PrefixFrom(a, n).String()
}

// prefixLen is the number of leading one bits if the mask is a prefix mask.
func prefixLen(mask []byte) (int, bool) {
	n, ended := 0, false
	for _, b := range mask {
		switch {
		case ended && b != 0:
			return 0, false
		case b == 0xff:
			n += 8
		default:
			ones := bits.LeadingZeros8(^b)
			if b<<ones != 0 {
				return 0, false
			}
			n += ones
			ended = true
		}
	}
	return n, true
}

// ifnameText: without a NUL the comparison covers only a prefix, which nft
// writes as a trailing '*' (iptables' "eth+").
func ifnameText(data []byte) string {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return strconv.Quote(string(data[:i]))
	}
	return strconv.Quote(string(data) + "*")
}

// ProtoName names an IP protocol as nft and conntrack print it: "tcp",
// "udp", "icmp"..., else its number.
func ProtoName(p byte) string {
	switch p {
	case unix.IPPROTO_TCP:
		return "tcp"
	case unix.IPPROTO_UDP:
		return "udp"
	case unix.IPPROTO_ICMP:
		return "icmp"
	case unix.IPPROTO_ICMPV6:
		return "ipv6-icmp"
	case unix.IPPROTO_SCTP:
		return "sctp"
	}
	return strconv.Itoa(int(p))
}

// ctStateText names the bits of a conntrack state set, in the given order.
func ctStateText(b []byte, order []ctBit) string {
	if len(b) != 4 {
		return ""
	}
	v := binary.NativeEndian.Uint32(b)
	var names []string
	for _, s := range order {
		if v&s.bit != 0 {
			names = append(names, s.name)
			v &^= s.bit
		}
	}
	if v != 0 || names == nil {
		return ""
	}
	return strings.Join(names, ",")
}

type ctBit struct {
	bit  uint32
	name string
}

// nft prints native ct state sets in bit order, and iptables' conntrack
// match in the order iptables' own translation uses.
func nftCtOrder() []ctBit {
	return []ctBit{{1, "invalid"}, {2, "established"}, {4, "related"}, {8, "new"}, {64, "untracked"}}
}

func xtCtOrder() []ctBit {
	return []ctBit{{1, "invalid"}, {8, "new"}, {4, "related"}, {2, "established"}, {64, "untracked"}}
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

func nonEmpty(ws ...string) []string {
	var out []string
	for _, w := range ws {
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}
