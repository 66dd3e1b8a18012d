package nft

import (
	"fmt"

	"github.com/google/nftables"
)

// Rules lists every rule of every table in the namespace, whoever made it
// (the lab, `nft`, iptables-nft), one line each, as
//
//	table ip cnilab chain postrouting: ip saddr 172.30.0.0/24 oifname "eth0" masquerade
//
// The rule text follows `nft list ruleset` for the expressions the lab and
// iptables commonly use and shows "..." for the rest; the lab's own
// bookkeeping comments are left out. Rules written by legacy iptables live
// outside nftables and are not seen.
//
// Equivalent to: `nft list ruleset`
func Rules(netns string) ([]string, error) {
	wrap := func(err error) error { return fmt.Errorf("list rules in netns %q: %w", netns, err) }
	c, err := dial(netns)
	if err != nil {
		return nil, wrap(err)
	}
	defer c.CloseLasting()
	tables, err := c.ListTables()
	if err != nil {
		return nil, wrap(fmt.Errorf("list tables: %w", err))
	}
	chains, err := c.ListChains()
	if err != nil {
		return nil, wrap(fmt.Errorf("list chains: %w", err))
	}
	var lines []string
	for _, t := range tables {
		for _, ch := range chains {
			if ch.Table == nil || ch.Table.Name != t.Name || ch.Table.Family != t.Family {
				continue
			}
			head := fmt.Sprintf("table %s %s chain %s: ", familyName(t.Family), t.Name, ch.Name)
			rules, err := c.GetRules(t, ch)
			if err != nil {
				// One unreadable chain should not hide the others from a
				// diagnosis; say so in its place.
				lines = append(lines, head+"... (cannot read rules: "+err.Error()+")")
				continue
			}
			for _, r := range rules {
				lines = append(lines, head+render(t.Family, r))
			}
		}
	}
	return lines, nil
}

func familyName(f nftables.TableFamily) string {
	switch f {
	case nftables.TableFamilyIPv4:
		return "ip"
	case nftables.TableFamilyIPv6:
		return "ip6"
	case nftables.TableFamilyINet:
		return "inet"
	case nftables.TableFamilyARP:
		return "arp"
	case nftables.TableFamilyBridge:
		return "bridge"
	case nftables.TableFamilyNetdev:
		return "netdev"
	}
	return fmt.Sprintf("family%d", f)
}
