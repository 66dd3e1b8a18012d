package nft

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// A rule is a small register program: loads (payload, meta, ct, immediate)
// fill registers, cmp/lookup test them, statements act on them. render
// follows the registers to print "what value" pairs as nft does, and prints
// "..." wherever it cannot tell what a register holds.

type kind int

const (
	kindRaw      kind = iota // printed as hex
	kindAddr                 // IP address, maybe partial (prefix) or masked
	kindIfname               // interface name, NUL padded
	kindProto                // IP protocol number
	kindNfproto              // layer 3 family number
	kindPort                 // big-endian 16 bit
	kindCtState              // ct state bit set
	kindICMPType             // one byte, named as nft names it
	kindImm                  // an immediate value, used by nat statements
)

// loaded is what a register holds.
type loaded struct {
	what  string // as nft names it: "ip saddr", "oifname"; empty if unknown
	kind  kind
	width int    // full width of an address, in bytes
	mask  []byte // set by a bitwise and
	data  []byte // for immediates
}

// renderer carries the state of one rule.
type renderer struct {
	fam   nftables.TableFamily
	regs  map[uint32]loaded
	words []string
	l3    string // "ip" or "ip6" once known
	l4    string // "tcp" or "udp" once matched
	l3At  int    // index of a "meta nfproto" word nft leaves implicit
	l4At  int    // index of a "meta l4proto"/"ip protocol" word ditto
}

func render(fam nftables.TableFamily, r *nftables.Rule) string {
	rd := &renderer{fam: fam, regs: map[uint32]loaded{}, l3At: -1, l4At: -1}
	switch fam {
	case nftables.TableFamilyIPv4:
		rd.l3 = "ip"
	case nftables.TableFamilyIPv6:
		rd.l3 = "ip6"
	}
	for _, e := range r.Exprs {
		rd.expr(e)
	}
	if c, ok := comment(r.UserData); ok && !strings.HasPrefix(c, tagPrefix) {
		rd.add("comment " + strconv.Quote(c))
	}
	var out []string
	for _, w := range rd.words {
		if w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

func (rd *renderer) add(w string) { rd.words = append(rd.words, w) }

func (rd *renderer) expr(e expr.Any) {
	switch e := e.(type) {
	case *expr.Payload:
		if e.OperationType != expr.PayloadLoad {
			rd.add("...")
			return
		}
		rd.regs[e.DestRegister] = rd.payload(e)
	case *expr.Meta:
		if e.SourceRegister {
			rd.add("...")
			return
		}
		rd.regs[e.Register] = meta(e.Key)
	case *expr.Ct:
		if e.SourceRegister {
			rd.add("...")
			return
		}
		l := loaded{}
		if e.Key == expr.CtKeySTATE {
			l = loaded{what: "ct state", kind: kindCtState}
		}
		rd.regs[e.Register] = l
	case *expr.Bitwise:
		l := rd.regs[e.SourceRegister]
		if l.mask != nil || !allZero(e.Xor) {
			l = loaded{}
		} else {
			l.mask = e.Mask
		}
		rd.regs[e.DestRegister] = l
	case *expr.Immediate:
		rd.regs[e.Register] = loaded{kind: kindImm, data: e.Data}
	case *expr.Cmp:
		rd.cmp(e)
	case *expr.Lookup:
		l := rd.regs[e.SourceRegister]
		if l.what == "" || e.IsDestRegSet {
			rd.add("...")
			return
		}
		op := ""
		if e.Invert {
			op = " !="
		}
		rd.add(l.what + op + " @" + e.SetName)
	case *expr.Verdict:
		rd.add(verdict(e))
	case *expr.Counter:
		// Without its values: they move with every packet, and a rule
		// must read the same before and after a step's probes.
		rd.add("counter")
	case *expr.Masq:
		w := "masquerade"
		if e.ToPorts {
			w += " to :" + rd.port(e.RegProtoMin, e.RegProtoMax)
		}
		rd.add(w + natFlags(e.Random, e.FullyRandom, e.Persistent))
	case *expr.NAT:
		rd.add(rd.nat(e))
	case *expr.Target:
		rd.add(target(e))
	case *expr.Match:
		rd.add(match(e))
	case *expr.Log:
		w := "log"
		if len(e.Data) > 0 {
			w += " prefix " + strconv.Quote(string(bytes.TrimRight(e.Data, "\x00")))
		}
		rd.add(w)
	case *expr.Reject:
		switch {
		case e.Type == unix.NFT_REJECT_TCP_RST:
			rd.add("reject with tcp reset")
		case e.Type == unix.NFT_REJECT_ICMP_UNREACH && e.Code == 3:
			rd.add("reject")
		default:
			rd.add("reject ...")
		}
	case *expr.Notrack:
		rd.add("notrack")
	default:
		rd.add("...")
	}
}

// payload names a header field. nft hides the protocol check a field
// depends on ("meta l4proto tcp" before "tcp dport"), so once the field is
// known that check's word is dropped.
func (rd *renderer) payload(e *expr.Payload) loaded {
	off, n := e.Offset, int(e.Len)
	switch e.Base {
	case expr.PayloadBaseNetworkHeader:
		var l loaded
		switch {
		case rd.l3 == "ip" && off == 12 && n <= 4:
			l = loaded{what: "ip saddr", kind: kindAddr, width: 4}
		case rd.l3 == "ip" && off == 16 && n <= 4:
			l = loaded{what: "ip daddr", kind: kindAddr, width: 4}
		case rd.l3 == "ip" && off == 9 && n == 1:
			l = loaded{what: "ip protocol", kind: kindProto}
		case rd.l3 == "ip6" && off == 8 && n <= 16:
			l = loaded{what: "ip6 saddr", kind: kindAddr, width: 16}
		case rd.l3 == "ip6" && off == 24 && n <= 16:
			l = loaded{what: "ip6 daddr", kind: kindAddr, width: 16}
		case rd.l3 == "ip6" && off == 6 && n == 1:
			l = loaded{what: "ip6 nexthdr", kind: kindProto}
		default:
			return raw("nh", off, n)
		}
		rd.drop(&rd.l3At)
		return l
	case expr.PayloadBaseTransportHeader:
		if (rd.l4 == "tcp" || rd.l4 == "udp") && n == 2 && (off == 0 || off == 2) {
			rd.drop(&rd.l4At)
			field := "sport"
			if off == 2 {
				field = "dport"
			}
			return loaded{what: rd.l4 + " " + field, kind: kindPort}
		}
		if rd.l4 == "icmp" && off == 0 && n == 1 {
			rd.drop(&rd.l4At)
			return loaded{what: "icmp type", kind: kindICMPType}
		}
		return raw("th", off, n)
	}
	return raw("ll", off, n)
}

func (rd *renderer) drop(at *int) {
	if *at >= 0 {
		rd.words[*at] = ""
		*at = -1
	}
}

// raw is nft's own notation for a field it has no name for: @base,bits,bits.
func raw(base string, off uint32, n int) loaded {
	return loaded{what: fmt.Sprintf("@%s,%d,%d", base, off*8, n*8)}
}

func meta(k expr.MetaKey) loaded {
	switch k {
	case expr.MetaKeyIIFNAME:
		return loaded{what: "iifname", kind: kindIfname}
	case expr.MetaKeyOIFNAME:
		return loaded{what: "oifname", kind: kindIfname}
	case expr.MetaKeyL4PROTO:
		return loaded{what: "meta l4proto", kind: kindProto}
	case expr.MetaKeyNFPROTO:
		return loaded{what: "meta nfproto", kind: kindNfproto}
	case expr.MetaKeyMARK:
		return loaded{what: "meta mark"}
	case expr.MetaKeyIIF:
		return loaded{what: "iif"}
	case expr.MetaKeyOIF:
		return loaded{what: "oif"}
	}
	return loaded{}
}

func (rd *renderer) cmp(e *expr.Cmp) {
	l := rd.regs[e.Register]
	if l.what == "" {
		rd.add("...")
		return
	}
	op := map[expr.CmpOp]string{expr.CmpOpEq: "", expr.CmpOpNeq: "!=", expr.CmpOpLt: "<",
		expr.CmpOpLte: "<=", expr.CmpOpGt: ">", expr.CmpOpGte: ">="}[e.Op]
	eq := e.Op == expr.CmpOpEq
	var val string
	switch l.kind {
	case kindAddr:
		val = addrText(l, e.Data)
	case kindIfname:
		val = ifnameText(e.Data)
	case kindProto:
		if len(e.Data) == 1 {
			val = ProtoName(e.Data[0])
			if eq && (val == "tcp" || val == "udp" || val == "icmp") {
				rd.l4, rd.l4At = val, len(rd.words)
			}
		}
	case kindNfproto:
		if len(e.Data) == 1 {
			switch e.Data[0] {
			case unix.NFPROTO_IPV4:
				val = "ipv4"
				if eq {
					rd.l3, rd.l3At = "ip", len(rd.words)
				}
			case unix.NFPROTO_IPV6:
				val = "ipv6"
				if eq {
					rd.l3, rd.l3At = "ip6", len(rd.words)
				}
			}
		}
	case kindICMPType:
		if len(e.Data) == 1 {
			val = icmpTypeName(e.Data[0])
		}
	case kindPort:
		if len(e.Data) == 2 {
			val = strconv.Itoa(int(binary.BigEndian.Uint16(e.Data)))
		}
	case kindCtState:
		// nft writes "ct state a,b" as (state & {a,b}) != 0.
		if e.Op == expr.CmpOpNeq && allZero(e.Data) && l.mask != nil {
			val, op = ctStateText(l.mask, nftCtOrder()), ""
		} else if l.mask == nil {
			val = ctStateText(e.Data, nftCtOrder())
		}
	}
	if val == "" {
		if l.mask != nil {
			rd.add("...")
			return
		}
		val = "0x" + hex.EncodeToString(e.Data)
	}
	rd.add(strings.Join(nonEmpty(l.what, op, val), " "))
}

func verdict(v *expr.Verdict) string {
	switch v.Kind {
	case expr.VerdictAccept:
		return "accept"
	case expr.VerdictDrop:
		return "drop"
	case expr.VerdictReturn:
		return "return"
	case expr.VerdictContinue:
		return "continue"
	case expr.VerdictQueue:
		return "queue"
	case expr.VerdictJump:
		return "jump " + v.Chain
	case expr.VerdictGoto:
		return "goto " + v.Chain
	}
	return "..."
}

// nat prints dnat/snat from the registers its immediates filled.
func (rd *renderer) nat(e *expr.NAT) string {
	w := "snat"
	if e.Type == expr.NATTypeDestNAT {
		w = "dnat"
	}
	if rd.fam != nftables.TableFamilyIPv4 && rd.fam != nftables.TableFamilyIPv6 {
		if e.Family == unix.NFPROTO_IPV6 {
			w += " ip6"
		} else {
			w += " ip"
		}
	}
	addr := ""
	if e.RegAddrMin != 0 {
		addr = rd.addr(e.RegAddrMin)
		if e.RegAddrMax != 0 && e.RegAddrMax != e.RegAddrMin {
			addr += "-" + rd.addr(e.RegAddrMax)
		}
	}
	if e.RegProtoMin != 0 {
		if strings.Contains(addr, ":") {
			addr = "[" + addr + "]"
		}
		addr += ":" + rd.port(e.RegProtoMin, e.RegProtoMax)
	}
	return w + " to " + addr + natFlags(e.Random, e.FullyRandom, e.Persistent)
}

func (rd *renderer) addr(reg uint32) string {
	l := rd.regs[reg]
	if a, ok := netip.AddrFromSlice(l.data); ok && l.kind == kindImm {
		return a.String()
	}
	return "..."
}

func (rd *renderer) port(lo, hi uint32) string {
	one := func(reg uint32) string {
		l := rd.regs[reg]
		if l.kind != kindImm || len(l.data) < 2 {
			return "..."
		}
		return strconv.Itoa(int(binary.BigEndian.Uint16(l.data)))
	}
	p := one(lo)
	if hi != 0 && hi != lo {
		if q := one(hi); q != p {
			p += "-" + q
		}
	}
	return p
}

func natFlags(random, fully, persistent bool) string {
	s := ""
	if random {
		s += " random"
	}
	if fully {
		s += " fully-random"
	}
	if persistent {
		s += " persistent"
	}
	return s
}
