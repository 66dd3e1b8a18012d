package nft

import (
	"fmt"

	"github.com/google/nftables"
)

// FilterPolicy sets the policy of the forward chain that iptables-nft
// calls FORWARD (table ip filter, type filter hook forward priority
// filter), creating both when missing, as Docker's `iptables -P FORWARD DROP`
// does. A learner's `iptables -A FORWARD ... -j ACCEPT` then lands in that
// same chain, and `iptables -S FORWARD` shows the policy.
//
// Equivalent to: `iptables -P FORWARD DROP`
type FilterPolicy struct {
	Netns string // namespace to write in; never empty
	Drop  bool   // drop, else accept
}

// Apply creates the table and chain when missing and sets the policy.
func (p FilterPolicy) Apply() error {
	wrap := func(err error) error {
		return fmt.Errorf("set the policy of chain FORWARD of table ip filter in netns %q: %w", p.Netns, err)
	}
	c, err := dial(p.Netns)
	if err != nil {
		return wrap(err)
	}
	defer c.CloseLasting()
	t := c.AddTable(&nftables.Table{Family: nftables.TableFamilyIPv4, Name: "filter"})
	hook, prio, policy := *nftables.ChainHookForward, *nftables.ChainPriorityFilter, nftables.ChainPolicyAccept
	if p.Drop {
		policy = nftables.ChainPolicyDrop
	}
	c.AddChain(&nftables.Chain{Name: "FORWARD", Table: t, Type: nftables.ChainTypeFilter, Hooknum: &hook, Priority: &prio, Policy: &policy})
	if err := c.Flush(); err != nil {
		return wrap(err)
	}
	return nil
}

// Command is the iptables command that does the same.
func (p FilterPolicy) Command() string {
	if p.Drop {
		return "iptables -P FORWARD DROP"
	}
	return "iptables -P FORWARD ACCEPT"
}
