// Package ipv4 is IPv4 address arithmetic on net/netip: an address as a
// number, and the last address of a prefix. Pure, no kernel.
package ipv4

import (
	"encoding/binary"
	"net/netip"
)

// Uint32 is an IPv4 address as a number: 10.0.0.1 is 0x0a000001.
func Uint32(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

// FromUint32 is the IPv4 address of a number.
func FromUint32(n uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], n)
	return netip.AddrFrom4(b)
}

// Last is the highest address of an IPv4 prefix: its broadcast address.
func Last(p netip.Prefix) netip.Addr {
	return FromUint32(Uint32(p.Masked().Addr()) | (1<<(32-p.Bits()) - 1))
}
