package nft

import (
	"github.com/google/nftables"
	"github.com/google/nftables/expr"
)

// FilterForwardAccept lets packets from and to CIDR through the chain
// iptables-nft calls FORWARD (table ip filter), where a node's policy DROP
// is: article 000's `iptables -A FORWARD -s 10.240.0.0/16 -j ACCEPT` and
// `-d`. ForwardAccept's own chain would not do there: a packet another base
// chain drops is dropped whatever this one accepts.
//
// Equivalent to: `iptables -A FORWARD -s 10.240.0.0/16 -j ACCEPT` and `iptables -A FORWARD -d 10.240.0.0/16 -j ACCEPT`
type FilterForwardAccept struct {
	Netns string // namespace to write in; never empty
	CIDR  string // e.g. "10.240.0.0/16"
}

// Apply adds both rules, each unless the chain holds it already.
func (f FilterForwardAccept) Apply() error {
	p, err := parsePrefix("cidr", f.CIDR)
	if err != nil {
		return apply(f.Netns, "filter", filterForwardChain(), "forward accept", nil, err)
	}
	cidr := prefixText(p)
	var rules []taggedRule
	for _, dir := range []struct {
		field  string
		offset uint32
	}{{"saddr", offSaddr}, {"daddr", offDaddr}} {
		exprs := append(matchPrefix(dir.offset, p), &expr.Counter{}, &expr.Verdict{Kind: expr.VerdictAccept})
		rules = append(rules, taggedRule{key: tagPrefix + "FORWARD:" + dir.field + ":" + cidr, exprs: exprs})
	}
	return apply(f.Netns, "filter", filterForwardChain(), "forward accept", rules, nil)
}

// Command is the iptables commands that do the same.
func (f FilterForwardAccept) Command() []string {
	return []string{"iptables -A FORWARD -s " + f.CIDR + " -j ACCEPT", "iptables -A FORWARD -d " + f.CIDR + " -j ACCEPT"}
}

// filterForwardChain is iptables-nft's FORWARD chain of table ip filter.
func filterForwardChain() chainSpec {
	return chainSpec{"FORWARD", nftables.ChainTypeFilter, *nftables.ChainHookForward, "forward", *nftables.ChainPriorityFilter, "filter"}
}
