package nft

import (
	"errors"

	"github.com/google/nftables/expr"
)

// Masquerade rewrites the source address of packets from Src leaving through
// an interface to that interface's own address, so replies find their way
// back to a network the far side has no route to. It is the nftables form of
// `iptables -t nat -A POSTROUTING -s 10.240.0.0/24 ! -o cni0 -j MASQUERADE`.
//
// The rule goes in chain postrouting (type nat hook postrouting priority
// srcnat, policy accept) of table ip Table, in namespace Netns.
//
// Equivalent to: `nft add rule ip cnilab postrouting ip saddr 172.30.0.0/24 oifname \"eth0\" masquerade`
type Masquerade struct {
	Netns string // namespace to write in; never empty
	Table string // ip-family table, e.g. "cnilab"
	// Src is the source network, e.g. "172.30.0.0/24"; empty means any source.
	Src string
	// OutIface limits the rule to packets leaving through this interface.
	OutIface string
	// NotOutIface is the alternative to OutIface: packets leaving through
	// any interface but this one, e.g. "cni0" (`oifname != "cni0"`), so
	// traffic between containers on the bridge keeps its source address.
	NotOutIface string
	// NotDst spares packets to this network, e.g. "10.240.0.0/16": pods of
	// other nodes keep seeing the pod's own address (`! -d 10.240.0.0/16`).
	NotDst string
}

// Apply adds the rule unless the chain already holds it.
//
// Equivalent to: `nft add rule ip cnilab postrouting ip saddr 172.30.0.0/24 oifname \"eth0\" masquerade`
func (m Masquerade) Apply() error {
	r, _, err := m.build()
	return apply(m.Netns, m.Table, postroutingChain(), "masquerade", []taggedRule{r}, err)
}

// Command returns the nft command lines, quoted for bash, that give the same
// result when run inside the namespace.
//
// Equivalent to: `nft add rule ip cnilab postrouting ip saddr 172.30.0.0/24 oifname \"eth0\" masquerade`
func (m Masquerade) Command() []string {
	_, words, _ := m.build()
	return append(setupLines(m.Table, postroutingChain()), ruleLine(m.Table, postroutingChain(), words...))
}

// build derives the rule, its nft words and its idempotency key from one
// place, so Apply and Command cannot drift apart.
func (m Masquerade) build() (taggedRule, []string, error) {
	var exprs []expr.Any
	var words []string
	src, iface := "", ""
	var errs []error
	if m.Src != "" {
		p, err := parsePrefix("src", m.Src)
		if err != nil {
			errs = append(errs, err)
		} else {
			src = prefixText(p)
			exprs = append(exprs, matchPrefix(offSaddr, p)...)
			words = append(words, "ip", "saddr", src)
		}
	}
	dst := ""
	if m.NotDst != "" {
		p, err := parsePrefix("not-dst", m.NotDst)
		if err != nil {
			errs = append(errs, err)
		} else {
			dst = "!" + prefixText(p)
			exprs = append(exprs, notPrefix(matchPrefix(offDaddr, p))...)
			words = append(words, "ip", "daddr", "!=", prefixText(p))
		}
	}
	switch {
	case m.OutIface != "" && m.NotOutIface != "":
		errs = append(errs, errors.New("set OutIface or NotOutIface, not both"))
	case m.OutIface != "":
		if err := checkIfname("out interface", m.OutIface); err != nil {
			errs = append(errs, err)
		}
		iface = m.OutIface
		exprs = append(exprs, matchIfname(expr.MetaKeyOIFNAME, m.OutIface, false)...)
		words = append(words, "oifname", nftString(m.OutIface))
	case m.NotOutIface != "":
		if err := checkIfname("not-out interface", m.NotOutIface); err != nil {
			errs = append(errs, err)
		}
		iface = "!" + m.NotOutIface
		exprs = append(exprs, matchIfname(expr.MetaKeyOIFNAME, m.NotOutIface, true)...)
		words = append(words, "oifname", "!=", nftString(m.NotOutIface))
	}
	exprs = append(exprs, &expr.Masq{})
	words = append(words, "masquerade")
	key := tagPrefix + "masq:" + src + ":" + iface
	if dst != "" {
		key += ":" + dst
	}
	return taggedRule{key: key, exprs: exprs}, words, errors.Join(errs...)
}
