package nft

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"

	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// The expressions below are built byte for byte as nft 1.0 builds them for
// the same text, so `nft list ruleset` prints the lab's rules exactly as it
// prints the ones a learner types.

// Offsets in the IPv4 header.
const (
	offSaddr = 12
	offDaddr = 16
)

// matchPrefix is `ip saddr|daddr PREFIX`. Byte-aligned prefixes load only the
// significant bytes; other lengths load the address and mask it.
func matchPrefix(offset uint32, p netip.Prefix) []expr.Any {
	addr := p.Addr().As4()
	bits := p.Bits()
	if bits > 0 && bits%8 == 0 {
		n := uint32(bits / 8)
		return []expr.Any{
			&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: offset, Len: n},
			&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: addr[:n]},
		}
	}
	mask := binary.BigEndian.AppendUint32(nil, ^uint32(0)<<(32-bits))
	if bits == 0 {
		mask = []byte{0, 0, 0, 0}
	}
	return []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: offset, Len: 4},
		&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4, Mask: mask, Xor: []byte{0, 0, 0, 0}},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: addr[:]},
	}
}

// notPrefix turns matchPrefix's last comparison into its negation:
// `ip daddr != PREFIX`, as nft builds it.
func notPrefix(exprs []expr.Any) []expr.Any {
	if c, ok := exprs[len(exprs)-1].(*expr.Cmp); ok {
		neg := *c
		neg.Op = expr.CmpOpNeq
		exprs[len(exprs)-1] = &neg
	}
	return exprs
}

// matchIfname is `iifname|oifname [!=] "NAME"`: the name padded to IFNAMSIZ.
func matchIfname(key expr.MetaKey, name string, negate bool) []expr.Any {
	op := expr.CmpOpEq
	if negate {
		op = expr.CmpOpNeq
	}
	data := make([]byte, unix.IFNAMSIZ)
	copy(data, name)
	return []expr.Any{
		&expr.Meta{Key: key, Register: 1},
		&expr.Cmp{Op: op, Register: 1, Data: data},
	}
}

// matchDport is `tcp|udp dport PORT`; nft adds the l4proto check itself.
func matchDport(proto byte, port uint16) []expr.Any {
	return []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{proto}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 2, Len: 2},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: binary.BigEndian.AppendUint16(nil, port)},
	}
}

// parsePrefix accepts "172.30.0.0/24" or a single address, IPv4 only (the
// table is family ip), and returns it masked, as nft would store it.
func parsePrefix(field, s string) (netip.Prefix, error) {
	var p netip.Prefix
	var err error
	if strings.Contains(s, "/") {
		p, err = netip.ParsePrefix(s)
	} else {
		var a netip.Addr
		if a, err = netip.ParseAddr(s); err == nil {
			p = netip.PrefixFrom(a, a.BitLen())
		}
	}
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%s %q: %w", field, s, err)
	}
	if !p.Addr().Is4() {
		return netip.Prefix{}, fmt.Errorf("%s %q: not IPv4 (the table is family ip)", field, s)
	}
	return p.Masked(), nil
}

// prefixText is the prefix as printed in commands and keys.
func prefixText(p netip.Prefix) string {
	if p.Bits() == 32 {
		return p.Addr().String()
	}
	return p.String()
}

// parseAddr4 accepts a single IPv4 address.
func parseAddr4(field, s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%s %q: %w", field, s, err)
	}
	if !a.Is4() {
		return netip.Addr{}, fmt.Errorf("%s %q: not IPv4 (the table is family ip)", field, s)
	}
	return a, nil
}

// checkIfname keeps to names the kernel accepts and that need no escaping
// inside an nft string; '*' is refused because nft reads it as a wildcard.
func checkIfname(field, name string) error {
	if name == "" || len(name) >= unix.IFNAMSIZ {
		return fmt.Errorf("%s %q: want 1 to %d bytes", field, name, unix.IFNAMSIZ-1)
	}
	for i := 0; i < len(name); i++ {
		if b := name[i]; b <= ' ' || b >= 0x7f || strings.IndexByte(`/:"\*`, b) >= 0 {
			return fmt.Errorf("%s %q: character %q not allowed", field, name, b)
		}
	}
	return nil
}
