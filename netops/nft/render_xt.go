package nft

import (
	"encoding/binary"
	"net"
	"strconv"
	"strings"

	"github.com/google/nftables/expr"
	"github.com/google/nftables/xt"
)

// iptables-nft writes some matches and targets as xtables extensions inside
// nftables rules; nft translates them back for display, and so does this.

// target prints the xtables targets iptables-nft leaves in compat form.
func target(e *expr.Target) string {
	switch e.Name {
	case "MASQUERADE":
		return "masquerade"
	case "DNAT", "SNAT":
		w := strings.ToLower(e.Name) + " to "
		switch r := e.Info.(type) {
		case *xt.NatRange2:
			return w + xtRange(r.MinIP, r.MaxIP, r.MinPort, r.MaxPort, xt.NatRangeFlags(r.Flags))
		case *xt.NatRange:
			return w + xtRange(r.MinIP, r.MaxIP, r.MinPort, r.MaxPort, xt.NatRangeFlags(r.Flags))
		case *xt.NatIPv4MultiRangeCompat:
			if len(*r) == 1 {
				x := (*r)[0]
				return w + xtRange(x.MinIP, x.MaxIP, x.MinPort, x.MaxPort, xt.NatRangeFlags(x.Flags))
			}
		}
		return w + "..."
	}
	return "xt target " + e.Name
}

func xtRange(minIP, maxIP net.IP, minPort, maxPort uint16, flags xt.NatRangeFlags) string {
	s := ""
	if flags&xt.NatRangeMapIPs != 0 {
		s = minIP.String()
		if !minIP.Equal(maxIP) {
			s += "-" + maxIP.String()
		}
	}
	if flags&xt.NatRangeProtoSpecified != 0 {
		s += ":" + strconv.Itoa(int(minPort))
		if maxPort != minPort {
			s += "-" + strconv.Itoa(int(maxPort))
		}
	}
	return s
}

// match prints the xtables matches iptables-nft leaves in compat form.
func match(e *expr.Match) string {
	switch info := e.Info.(type) {
	case *xt.Comment:
		return "comment " + strconv.Quote(string(*info))
	case *xt.Unknown:
		// struct ipt_icmp: type, code range, inversion; nft prints the type
		// by name when the codes cover all.
		if e.Name == "icmp" && len(*info) >= 4 && (*info)[1] == 0 && (*info)[2] == 0xff && (*info)[3] == 0 {
			return "icmp type " + icmpTypeName((*info)[0])
		}
	case *xt.ConntrackMtinfo1:
		return conntrack(info.ConntrackMtinfoBase, uint16(info.StateMask))
	case *xt.ConntrackMtinfo2:
		return conntrack(info.ConntrackMtinfoBase, info.StateMask)
	case *xt.ConntrackMtinfo3:
		return conntrack(info.ConntrackMtinfoBase, info.StateMask)
	}
	return "xt match " + e.Name
}

func conntrack(b xt.ConntrackMtinfoBase, state uint16) string {
	flags := xt.ConntrackFlags(b.MatchFlags)
	if flags&^(xt.ConntrackState|xt.ConntrackStateAlias) != 0 || flags&xt.ConntrackState == 0 {
		return "xt match conntrack"
	}
	s := ctStateText(binary.NativeEndian.AppendUint32(nil, uint32(state)), xtCtOrder())
	if s == "" {
		return "xt match conntrack"
	}
	if xt.ConntrackFlags(b.InvertFlags)&xt.ConntrackState != 0 {
		return "ct state ! " + s
	}
	return "ct state " + s
}

// icmpTypeName is nft's name for the ICMP types hardening rules use.
func icmpTypeName(t byte) string {
	switch t {
	case 0:
		return "echo-reply"
	case 3:
		return "destination-unreachable"
	case 8:
		return "echo-request"
	case 11:
		return "time-exceeded"
	}
	return strconv.Itoa(int(t))
}
