package topo

import (
	"sort"

	"github.com/cnilab/lab/netops/snapshot"
)

// end is one end of a cable: a link in a namespace. link is "" when the
// snapshot names the peer's namespace but not the peer itself.
type end struct{ ns, link string }

// cable is a veth pair whose ends sit in two different namespaces of the
// snapshot. a is the end met first in snapshot order, so output is stable.
type cable struct{ a, b end }

// findCables collects each veth pair spanning two namespaces once. Both ends
// usually report each other, but one report is enough: the snapshot may have
// caught a half-moved pair, and a cable seen from one side is still a cable.
func findCables(snap snapshot.Snapshot) []cable {
	var out []cable
	for _, n := range snap.Namespaces {
		for _, l := range n.Links {
			if l.Kind != "veth" || l.PeerNetns == "" || l.PeerNetns == n.Name {
				continue
			}
			if _, ok := snap.Find(l.PeerNetns); !ok {
				continue
			}
			c := cable{end{n.Name, l.Name}, end{l.PeerNetns, l.Peer}}
			if k := indexOf(out, c); k >= 0 {
				out[k] = out[k].merge(c)
				continue
			}
			out = append(out, c)
		}
	}
	return out
}

// indexOf finds the cable c duplicates, in either direction; an end with an
// unknown link matches any link of its namespace.
func indexOf(cs []cable, c cable) int {
	for k, o := range cs {
		if (o.a.matches(c.a) && o.b.matches(c.b)) || (o.a.matches(c.b) && o.b.matches(c.a)) {
			return k
		}
	}
	return -1
}

func (e end) matches(o end) bool {
	return e.ns == o.ns && (e.link == o.link || e.link == "" || o.link == "")
}

// merge fills in a link name the first report of c lacked.
func (c cable) merge(o cable) cable {
	for _, e := range []end{o.a, o.b} {
		if e.link == "" {
			continue
		}
		if c.a.ns == e.ns && c.a.link == "" {
			c.a.link = e.link
		}
		if c.b.ns == e.ns && c.b.link == "" {
			c.b.link = e.link
		}
	}
	return c
}

// cabled is the set of ends that belong to some cable, so a box knows not to
// call such a link "(peer elsewhere)".
func cabled(cs []cable) map[end]bool {
	m := map[end]bool{}
	for _, c := range cs {
		m[c.a], m[c.b] = true, true
	}
	return m
}

// peerNotes maps each cabled link of ns to "otherns:otherlink", for the
// compact list where a cable is written under its link instead of drawn.
func peerNotes(cs []cable, ns string) map[string]string {
	m := map[string]string{}
	for _, c := range cs {
		if c.a.ns == ns {
			m[c.a.link] = c.b.label()
		}
		if c.b.ns == ns && c.b.link != "" {
			m[c.b.link] = c.a.label()
		}
	}
	return m
}

func (e end) label() string {
	if e.link == "" {
		return e.ns
	}
	return e.ns + ":" + e.link
}

func (e end) segs() line {
	if e.link == "" {
		return line{s(e.ns, kNetns)}
	}
	return line{s(e.ns, kNetns), s(":", plain), s(e.link, kLink)}
}

// wire is a cable drawn straight across the gap between two neighbouring
// boxes. i is the link's line in the left box as rendered (spacers
// included), j its content line in the right box, which layout then shifts
// and spaces so both land on the same row line.
type wire struct {
	c    *cable
	i, j int
}

// wires chooses which cables between left box l and right box r can be drawn
// as straight horizontal lines. Wires may not cross, and extra blank lines
// may only be added to the right box (the left one is already aligned with
// its own left neighbour), so a wire whose right end would need to move up
// relative to the previous wire is left for the listing below the boxes.
func wires(cs []cable, l, r *box) []wire {
	var cand []wire
	for k := range cs {
		c := &cs[k]
		var le, re end
		switch {
		case c.a.ns == l.ns && c.b.ns == r.ns:
			le, re = c.a, c.b
		case c.b.ns == l.ns && c.a.ns == r.ns:
			le, re = c.b, c.a
		default:
			continue
		}
		i, okL := l.attach[le.link]
		j, okR := r.attach[re.link]
		if !okL || !okR || le.link == "" || re.link == "" {
			continue
		}
		cand = append(cand, wire{c, l.pos(i), j})
	}
	sort.SliceStable(cand, func(a, b int) bool { return cand[a].i < cand[b].i })
	var out []wire
	for _, w := range cand {
		if n := len(out); n > 0 {
			p := out[n-1]
			if w.i <= p.i || w.j <= p.j || w.i-p.i < w.j-p.j {
				continue
			}
		}
		out = append(out, w)
	}
	return out
}

// listLines writes each cable that was not drawn as "a:x ═══ b:y", on two
// lines when one would not fit, so no connection is ever lost to layout.
func listLines(cs []cable, drawn map[*cable]bool, width int) []line {
	var out []line
	for k := range cs {
		c := &cs[k]
		if drawn[c] {
			continue
		}
		one := append(append(c.a.segs(), s(" ═══ ", kCable)), c.b.segs()...)
		if one.width() <= width {
			out = append(out, one)
			continue
		}
		out = append(out, c.a.segs().fit(width))
		out = append(out, append(line{spaces(2), s("═══ ", kCable)}, c.b.segs()...).fit(width))
	}
	return out
}
