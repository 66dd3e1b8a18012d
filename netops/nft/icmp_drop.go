package nft

import (
	"github.com/google/nftables"
	"github.com/google/nftables/expr"
)

// OutputICMPDrop drops the ICMP "destination unreachable" errors the
// namespace would send, as a hardening rule does ("do not tell scanners
// which ports are closed"). It also drops "fragmentation needed", the
// error path MTU discovery lives on: the classic PMTUD black hole.
//
// The rule goes in the chain iptables-nft calls OUTPUT (table ip filter),
// matching the type natively, as nft writes it: iptables-nft 1.8 reads that
// form back, so `iptables -S OUTPUT` prints it and `iptables -D OUTPUT -p
// icmp --icmp-type destination-unreachable -j DROP` removes it. (The xtables
// icmp match iptables-nft writes itself needs a rule compat attribute that
// google/nftables sends only for tcp and udp.)
//
// Equivalent to: `iptables -A OUTPUT -p icmp --icmp-type destination-unreachable -j DROP`
type OutputICMPDrop struct {
	Netns string // namespace to write in; never empty
}

// icmpUnreachable is the ICMP type "destination unreachable".
const icmpUnreachable = 3

// Apply adds the rule unless the chain holds it already.
func (o OutputICMPDrop) Apply() error {
	// No comment tag: the rule must look like one an admin typed, and
	// iptables -D finds a rule only when its comment matches too.
	rule := taggedRule{exprs: []expr.Any{
		&expr.Meta{Key: expr.MetaKeyL4PROTO, Register: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{1}},
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseTransportHeader, Offset: 0, Len: 1},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: []byte{icmpUnreachable}},
		&expr.Verdict{Kind: expr.VerdictDrop},
	}}
	return apply(o.Netns, "filter", filterOutputChain(), "icmp drop", []taggedRule{rule}, nil)
}

// Command is the iptables command that does the same.
func (o OutputICMPDrop) Command() string {
	return "iptables -A OUTPUT -p icmp --icmp-type destination-unreachable -j DROP"
}

// filterOutputChain is iptables-nft's OUTPUT chain of table ip filter.
func filterOutputChain() chainSpec {
	return chainSpec{"OUTPUT", nftables.ChainTypeFilter, *nftables.ChainHookOutput, "output", *nftables.ChainPriorityFilter, "filter"}
}
