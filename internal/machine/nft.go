package machine

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
)

// nftLines lists the nftables ruleset: one line per table, chain, set and
// rule. nftables.New without a netns option talks to the calling thread's
// namespace. Handles are left out (the kernel numbers objects anew when they
// are recreated); a rule carries its position in its chain instead, since
// order is what a chain means.
func nftLines() ([]string, error) {
	c, err := nftables.New()
	if err != nil {
		return nil, fmt.Errorf("open nftables: %w", err)
	}
	tables, err := c.ListTables()
	if err != nil {
		return nil, fmt.Errorf("list nftables tables: %w", err)
	}
	var lines []string
	for _, t := range tables {
		line := "table " + tableID(t)
		if t.Flags != 0 {
			line += fmt.Sprintf(" flags %#x", t.Flags)
		}
		lines = append(lines, line)
		sets, err := c.GetSets(t)
		if err != nil {
			return nil, fmt.Errorf("list sets of nftables table %s: %w", tableID(t), err)
		}
		for _, s := range sets {
			lines = append(lines, setLine(s))
		}
	}
	chains, err := c.ListChains()
	if err != nil {
		return nil, fmt.Errorf("list nftables chains: %w", err)
	}
	for _, ch := range chains {
		lines = append(lines, chainLine(ch))
		rules, err := c.GetRules(ch.Table, ch)
		if err != nil {
			return nil, fmt.Errorf("list rules of nftables chain %s %s: %w", tableID(ch.Table), ch.Name, err)
		}
		for i, r := range rules {
			lines = append(lines, ruleLine(ch, i, r))
		}
	}
	slices.Sort(lines)
	return lines, nil
}

func tableID(t *nftables.Table) string {
	return familyNames[t.Family] + " " + t.Name
}

var familyNames = map[nftables.TableFamily]string{
	nftables.TableFamilyUnspecified: "unspec",
	nftables.TableFamilyINet:        "inet",
	nftables.TableFamilyIPv4:        "ip",
	nftables.TableFamilyIPv6:        "ip6",
	nftables.TableFamilyARP:         "arp",
	nftables.TableFamilyNetdev:      "netdev",
	nftables.TableFamilyBridge:      "bridge",
}

// chainLine: "chain FAMILY TABLE NAME [type T hook H prio P] [policy accept|drop] [dev D]".
func chainLine(ch *nftables.Chain) string {
	line := "chain " + tableID(ch.Table) + " " + ch.Name
	if ch.Type != "" {
		line += " type " + string(ch.Type)
	}
	if ch.Hooknum != nil {
		line += fmt.Sprintf(" hook %d", *ch.Hooknum)
	}
	if ch.Priority != nil {
		line += fmt.Sprintf(" prio %d", *ch.Priority)
	}
	if ch.Policy != nil {
		if *ch.Policy == nftables.ChainPolicyAccept {
			line += " policy accept"
		} else {
			line += " policy drop"
		}
	}
	if ch.Device != "" {
		line += " dev " + ch.Device
	}
	return line
}

// setLine describes a set, not its elements: dynamic sets fill up with
// traffic, and a set a lab added to the host would show by its name.
func setLine(s *nftables.Set) string {
	line := "set " + tableID(s.Table) + " " + s.Name + " key " + s.KeyType.Name
	if s.IsMap {
		line += " data " + s.DataType.Name
	}
	for _, f := range []struct {
		on   bool
		name string
	}{
		{s.Anonymous, "anonymous"}, {s.Constant, "constant"}, {s.Interval, "interval"},
		{s.HasTimeout && s.Timeout == 0, "timeout"}, {s.Dynamic, "dynamic"}, {s.Counter, "counter"},
		{s.Concatenation, "concat"},
	} {
		if f.on {
			line += " " + f.name
		}
	}
	if s.Timeout != 0 {
		line += " timeout " + s.Timeout.String()
	}
	if s.Size != 0 {
		line += fmt.Sprintf(" size %d", s.Size)
	}
	if s.Comment != "" {
		line += fmt.Sprintf(" comment %q", s.Comment)
	}
	return line
}

// ruleLine: "rule FAMILY TABLE CHAIN #POS: expr{...} ... [userdata HEX]".
func ruleLine(ch *nftables.Chain, pos int, r *nftables.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "rule %s %s #%d:", tableID(ch.Table), ch.Name, pos)
	for _, e := range r.Exprs {
		b.WriteString(" " + exprString(e))
	}
	if len(r.UserData) > 0 {
		fmt.Fprintf(&b, " userdata %x", r.UserData)
	}
	return b.String()
}

// exprString renders an expression as "kind{Field:value ...}" without the
// state that traffic changes.
func exprString(e expr.Any) string {
	e = stateless(e)
	if e == nil {
		return "nil"
	}
	return typeName(reflect.TypeOf(e)) + render(e)
}

// stateless drops what packets change: a counter's packets and bytes, a
// quota's consumed bytes, the same inside a dynset's per-element
// expressions.
func stateless(e expr.Any) expr.Any {
	switch x := e.(type) {
	case *expr.Counter:
		return &expr.Counter{}
	case *expr.Quota:
		q := *x
		q.Consumed = 0
		return &q
	case *expr.Dynset:
		d := *x
		d.Exprs = make([]expr.Any, len(x.Exprs))
		for i, sub := range x.Exprs {
			d.Exprs[i] = stateless(sub)
		}
		return &d
	}
	return e
}
