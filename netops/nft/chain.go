package nft

import (
	"fmt"

	"github.com/google/nftables"
)

// chainSpec is one of the base chains the lab writes to. The names of hook
// and priority are kept as nft prints them, for Command.
type chainSpec struct {
	name     string
	typ      nftables.ChainType
	hook     nftables.ChainHook
	hookName string
	prio     nftables.ChainPriority
	prioName string
}

// Functions rather than package variables: the specs can never be mutated.

func postroutingChain() chainSpec {
	return chainSpec{"postrouting", nftables.ChainTypeNAT, *nftables.ChainHookPostrouting, "postrouting", *nftables.ChainPriorityNATSource, "srcnat"}
}

func preroutingChain() chainSpec {
	return chainSpec{"prerouting", nftables.ChainTypeNAT, *nftables.ChainHookPrerouting, "prerouting", *nftables.ChainPriorityNATDest, "dstnat"}
}

func forwardChain() chainSpec {
	return chainSpec{"forward", nftables.ChainTypeFilter, *nftables.ChainHookForward, "forward", *nftables.ChainPriorityFilter, "filter"}
}

// body is the chain declaration as nft reads it after `nft add chain`.
func (s chainSpec) body() string {
	return fmt.Sprintf("{ type %s hook %s priority %s; policy accept; }", s.typ, s.hookName, s.prioName)
}

// chain is the value google/nftables needs to create this chain.
func (s chainSpec) chain(t *nftables.Table) *nftables.Chain {
	hook, prio, policy := s.hook, s.prio, nftables.ChainPolicyAccept
	return &nftables.Chain{Name: s.name, Table: t, Type: s.typ, Hooknum: &hook, Priority: &prio, Policy: &policy}
}

// check accepts an existing chain only if it does the same job: a rule in a
// chain with another hook would silently never see the packets meant for it.
// The priority and policy are left alone; they may have been a learner's
// choice and do not change what the rule matches.
func (s chainSpec) check(c *nftables.Chain) error {
	if c.Hooknum == nil {
		return fmt.Errorf("chain %q exists as a regular chain, want type %s hook %s", s.name, s.typ, s.hookName)
	}
	if c.Type != s.typ || *c.Hooknum != s.hook {
		return fmt.Errorf("chain %q exists with type %s hook %s, want type %s hook %s",
			s.name, c.Type, hookName(*c.Hooknum), s.typ, s.hookName)
	}
	return nil
}

// findChain returns the chain of that name in the ip-family table, or nil.
func findChain(c *nftables.Conn, table, name string) (*nftables.Chain, error) {
	chains, err := c.ListChainsOfTableFamily(nftables.TableFamilyIPv4)
	if err != nil {
		return nil, fmt.Errorf("list chains: %w", err)
	}
	for _, ch := range chains {
		if ch.Table != nil && ch.Table.Name == table && ch.Name == name {
			return ch, nil
		}
	}
	return nil, nil
}

// hookName names an inet-style hook number as nft does.
func hookName(h nftables.ChainHook) string {
	switch h {
	case *nftables.ChainHookPrerouting:
		return "prerouting"
	case *nftables.ChainHookInput:
		return "input"
	case *nftables.ChainHookForward:
		return "forward"
	case *nftables.ChainHookOutput:
		return "output"
	case *nftables.ChainHookPostrouting:
		return "postrouting"
	}
	return fmt.Sprintf("%d", h)
}
