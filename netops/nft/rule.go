package nft

import (
	"fmt"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
)

// tagPrefix starts every key the lab writes into a rule's comment, so the
// lab's own bookkeeping can be told apart from a learner's comments.
const tagPrefix = "cnilab:"

// taggedRule is a rule body plus the key that makes adding it idempotent.
// An empty key leaves the rule without the lab's comment; it is then known
// by its text, as nft prints it.
type taggedRule struct {
	key   string
	exprs []expr.Any
}

// apply adds the rules to one base chain of an ip-family table, creating
// the table and chain when missing, in a single netlink batch: either all of
// it lands or none of it does. what names the operation in errors.
func apply(netns, table string, spec chainSpec, what string, rules []taggedRule, invalid error) error {
	wrap := func(err error) error {
		return fmt.Errorf("add %s rule to table ip %q chain %q in netns %q: %w", what, table, spec.name, netns, err)
	}
	if invalid != nil {
		return wrap(invalid)
	}
	if err := checkTable(table); err != nil {
		return wrap(err)
	}
	c, err := dial(netns)
	if err != nil {
		return wrap(err)
	}
	defer c.CloseLasting()

	t, err := findTable(c, table)
	if err != nil {
		return wrap(err)
	}
	var ch *nftables.Chain
	if t == nil {
		t = c.AddTable(&nftables.Table{Name: table, Family: nftables.TableFamilyIPv4})
	} else if ch, err = findChain(c, table, spec.name); err != nil {
		return wrap(err)
	}

	have := map[string]bool{}
	if ch == nil {
		// Not re-added when present: that would reset a policy someone chose.
		ch = c.AddChain(spec.chain(t))
	} else {
		if err := spec.check(ch); err != nil {
			return wrap(err)
		}
		existing, err := c.GetRules(t, ch)
		if err != nil {
			return wrap(fmt.Errorf("list rules: %w", err))
		}
		for _, r := range existing {
			if key, ok := comment(r.UserData); ok {
				have[key] = true
			}
			have[textKey(r.Exprs)] = true
		}
	}

	for _, r := range rules {
		key, ud := r.key, withComment(r.key)
		if key == "" {
			key, ud = textKey(r.exprs), nil
		}
		if have[key] {
			continue
		}
		have[key] = true
		c.AddRule(&nftables.Rule{Table: t, Chain: ch, Exprs: r.exprs, UserData: ud})
	}
	if err := c.Flush(); err != nil {
		return wrap(err)
	}
	return nil
}

// textKey knows an untagged rule by its text, as nft prints it.
func textKey(exprs []expr.Any) string {
	return "text:" + render(nftables.TableFamilyIPv4, &nftables.Rule{Exprs: exprs})
}

// Rule user data is a list of type-length-value records shared with nft and
// iptables-nft; type 0 is the comment `nft list ruleset` shows.
const udataComment = 0

func withComment(s string) []byte {
	b := append([]byte(s), 0)
	return append([]byte{udataComment, byte(len(b))}, b...)
}

// comment reads the comment record from rule user data. It checks every
// length itself because the user data may come from any program.
func comment(ud []byte) (string, bool) {
	for len(ud) >= 2 {
		typ, n := ud[0], int(ud[1])
		if len(ud) < 2+n {
			return "", false
		}
		if typ == udataComment {
			v := ud[2 : 2+n]
			for len(v) > 0 && v[len(v)-1] == 0 {
				v = v[:len(v)-1]
			}
			return string(v), true
		}
		ud = ud[2+n:]
	}
	return "", false
}
