package nft

import (
	"github.com/google/nftables/expr"
)

// ForwardAccept lets packets from and to CIDR through the forward hook. With
// the chain's policy accept it changes nothing by itself; it matters when
// another table (Docker's, a learner's `iptables -P FORWARD DROP`) drops
// forwarded packets, as in the article's
// `iptables -A FORWARD -s 10.240.0.0/16 -j ACCEPT` and `-d 10.240.0.0/16`.
//
// The rules go in chain forward (type filter hook forward priority filter,
// policy accept) of table ip Table, in namespace Netns.
//
// Equivalent to: `nft add rule ip cnilab forward ip saddr 10.240.0.0/16 accept` and `nft add rule ip cnilab forward ip daddr 10.240.0.0/16 accept`
type ForwardAccept struct {
	Netns string // namespace to write in; never empty
	Table string // ip-family table, e.g. "cnilab"
	CIDR  string // network to let through, e.g. "10.240.0.0/16"
}

// Apply adds both rules, each unless the chain already holds it.
//
// Equivalent to: `nft add rule ip cnilab forward ip saddr 10.240.0.0/16 accept` and `nft add rule ip cnilab forward ip daddr 10.240.0.0/16 accept`
func (f ForwardAccept) Apply() error {
	rules, _, err := f.build()
	return apply(f.Netns, f.Table, forwardChain(), "forward accept", rules, err)
}

// Command returns the nft command lines, quoted for bash, that give the same
// result when run inside the namespace.
//
// Equivalent to: `nft add rule ip cnilab forward ip saddr 10.240.0.0/16 accept` and `nft add rule ip cnilab forward ip daddr 10.240.0.0/16 accept`
func (f ForwardAccept) Command() []string {
	_, words, _ := f.build()
	lines := setupLines(f.Table, forwardChain())
	for _, w := range words {
		lines = append(lines, ruleLine(f.Table, forwardChain(), w...))
	}
	return lines
}

func (f ForwardAccept) build() ([]taggedRule, [][]string, error) {
	p, err := parsePrefix("cidr", f.CIDR)
	if err != nil {
		return nil, nil, err
	}
	cidr := prefixText(p)
	var rules []taggedRule
	var words [][]string
	for _, dir := range []struct {
		field  string
		offset uint32
	}{{"saddr", offSaddr}, {"daddr", offDaddr}} {
		exprs := append(matchPrefix(dir.offset, p), &expr.Verdict{Kind: expr.VerdictAccept})
		rules = append(rules, taggedRule{key: tagPrefix + "fwd:" + dir.field + ":" + cidr, exprs: exprs})
		words = append(words, []string{"ip", dir.field, cidr, "accept"})
	}
	return rules, words, nil
}
