package nft

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"github.com/google/nftables/expr"
	"golang.org/x/sys/unix"
)

// DNAT sends packets arriving for a local port on to another address, the
// nftables form of
// `iptables -t nat -A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 172.18.0.3:80`.
//
// The rule goes in chain prerouting (type nat hook prerouting priority
// dstnat, policy accept) of table ip Table, in namespace Netns. Like the
// iptables command, it is not added to the output hook too: it translates
// packets that arrive from outside the namespace, not connections the
// namespace opens itself to its own address.
//
// Equivalent to: `nft add rule ip cnilab prerouting tcp dport 80 dnat to 172.18.0.3:80`
type DNAT struct {
	Netns  string // namespace to write in; never empty
	Table  string // ip-family table, e.g. "cnilab"
	Proto  string // "tcp" or "udp"; empty means "tcp"
	Dport  uint16 // destination port to match, e.g. 80
	ToAddr string // new destination address, e.g. "172.18.0.3"
	ToPort uint16 // new destination port; 0 keeps the original port
	// InIface, if set, limits the rule to packets arriving through it.
	InIface string
}

// Apply adds the rule unless the chain already holds it.
//
// Equivalent to: `nft add rule ip cnilab prerouting tcp dport 80 dnat to 172.18.0.3:80`
func (d DNAT) Apply() error {
	r, _, err := d.build()
	return apply(d.Netns, d.Table, preroutingChain(), "dnat", []taggedRule{r}, err)
}

// Command returns the nft command lines, quoted for bash, that give the same
// result when run inside the namespace.
//
// Equivalent to: `nft add rule ip cnilab prerouting tcp dport 80 dnat to 172.18.0.3:80`
func (d DNAT) Command() []string {
	_, words, _ := d.build()
	return append(setupLines(d.Table, preroutingChain()), ruleLine(d.Table, preroutingChain(), words...))
}

func (d DNAT) build() (taggedRule, []string, error) {
	var exprs []expr.Any
	var words []string
	var errs []error
	if d.InIface != "" {
		if err := checkIfname("in interface", d.InIface); err != nil {
			errs = append(errs, err)
		}
		exprs = append(exprs, matchIfname(expr.MetaKeyIIFNAME, d.InIface, false)...)
		words = append(words, "iifname", nftString(d.InIface))
	}

	proto := d.Proto
	if proto == "" {
		proto = "tcp"
	}
	var num byte
	switch proto {
	case "tcp":
		num = unix.IPPROTO_TCP
	case "udp":
		num = unix.IPPROTO_UDP
	default:
		errs = append(errs, fmt.Errorf("proto %q: want tcp or udp", d.Proto))
	}
	if d.Dport == 0 {
		errs = append(errs, errors.New("dport is required"))
	}
	exprs = append(exprs, matchDport(num, d.Dport)...)
	words = append(words, proto, "dport", strconv.Itoa(int(d.Dport)))

	to, err := parseAddr4("to address", d.ToAddr)
	if err != nil {
		errs = append(errs, err)
	}
	addr := to.AsSlice()
	if addr == nil {
		addr = []byte{0, 0, 0, 0}
	}
	target := to.String()
	exprs = append(exprs, &expr.Immediate{Register: 1, Data: addr})
	nat := &expr.NAT{Type: expr.NATTypeDestNAT, Family: unix.NFPROTO_IPV4, RegAddrMin: 1}
	if d.ToPort != 0 {
		exprs = append(exprs, &expr.Immediate{Register: 2, Data: binary.BigEndian.AppendUint16(nil, d.ToPort)})
		nat.RegProtoMin, nat.Specified = 2, true
		target += ":" + strconv.Itoa(int(d.ToPort))
	}
	exprs = append(exprs, nat)
	words = append(words, "dnat", "to", target)

	key := fmt.Sprintf("%sdnat:%s:%d:%s:%d:%s", tagPrefix, proto, d.Dport, to, d.ToPort, d.InIface)
	return taggedRule{key: key, exprs: exprs}, words, errors.Join(errs...)
}
