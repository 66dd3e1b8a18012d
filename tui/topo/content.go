package topo

import (
	"slices"
	"strings"

	"github.com/cnilab/lab/netops/snapshot"
)

// body is one line inside a box.
type body struct {
	text line
	// cont is what a blank line inserted just before this one shows, so
	// spacing a box to line up a cable never cuts a bridge's port tree.
	cont string
}

// options change how content is written for one layout.
type options struct {
	squeeze bool              // put a default route's gateway on its own line
	align   bool              // line states up in a column
	notes   map[string]string // link -> "ns:peer", written under the link (compact form)
}

// item is a link as listed: its head line and the lines hanging under it.
type item struct {
	prefix string // tree branch for a bridge port: "├ " or "└ "
	name   line
	state  line
	link   string // where a cable attaches; "" for a same-namespace pair
	subs   []line
	under  string // indent of the sub lines, carrying the tree's trunk
	cont   string
}

// content lists the links of n as a learner needs them: loopback hidden
// unless it was given a real address, bridge ports under their bridge,
// a same-namespace veth pair as one line, addresses under each link and the
// default route last.
func content(n snapshot.Netns, cabled map[end]bool, o options) (lines []body, attach map[string]int) {
	items := listItems(n, cabled, o)
	col := 0
	for _, it := range items {
		col = max(col, cells(it.prefix)+it.name.width())
	}
	attach = map[string]int{}
	for _, it := range items {
		head := line{s(it.prefix, plain)}
		head = append(head, it.name...)
		if o.align {
			head = head.padTo(col)
		}
		head = append(head, spaces(2))
		head = append(head, it.state...)
		if it.link != "" {
			attach[it.link] = len(lines)
		}
		lines = append(lines, body{head, it.cont})
		for _, sub := range it.subs {
			lines = append(lines, body{append(line{s(it.under, plain)}, sub...), trunk(it.under)})
		}
	}
	if len(items) == 0 {
		msg := "(no links)"
		if len(n.Links) > 0 {
			msg = "(only lo)"
		}
		lines = append(lines, body{line{s(msg, plain)}, ""})
	}
	if r, ok := n.DefaultRoute(); ok {
		for _, l := range routeLines(r, o.squeeze) {
			lines = append(lines, body{l, ""})
		}
	}
	return lines, attach
}

// trunk keeps only the vertical bar of an indent for spacer lines.
func trunk(indent string) string {
	if strings.HasPrefix(indent, "│") {
		return "│"
	}
	return ""
}

func listItems(n snapshot.Netns, cabled map[end]bool, o options) []item {
	var items []item
	shown := map[string]bool{} // second ends of same-namespace pairs
	for _, l := range n.Links {
		if shown[l.Name] || isPort(n, l) || hiddenLoopback(n, l) {
			continue
		}
		it := linkItem(n, l, cabled, o, shown)
		it.under = "  "
		var ports []snapshot.Link
		for _, p := range n.Links {
			if p.Master == l.Name && isPort(n, p) && !shown[p.Name] {
				ports = append(ports, p)
			}
		}
		if len(ports) > 0 {
			// The trunk runs down from the bridge past its own addresses.
			it.under = "│ "
		}
		items = append(items, it)
		for k, p := range ports {
			pi := linkItem(n, p, cabled, o, shown)
			pi.prefix, pi.under, pi.cont = "├ ", "│   ", "│"
			if k == len(ports)-1 {
				pi.prefix, pi.under = "└ ", "    "
			}
			items = append(items, pi)
		}
	}
	return items
}

// isPort reports a link listed under its master rather than on its own.
// Only one level nests: a port of a port (a bond in a bridge) stays at the
// top, so no link is ever dropped from the box.
func isPort(n snapshot.Netns, l snapshot.Link) bool {
	if l.Master == "" || l.Master == l.Name {
		return false
	}
	m, ok := n.Link(l.Master)
	if !ok {
		return false
	}
	if m.Master == "" {
		return true
	}
	_, nested := n.Link(m.Master)
	return !nested
}

// hiddenLoopback hides lo when it only carries 127.0.0.1: every namespace
// has it, so it would push the links a lesson is about further down.
func hiddenLoopback(n snapshot.Netns, l snapshot.Link) bool {
	if l.Name != "lo" && !slices.Contains(l.Flags, "LOOPBACK") {
		return false
	}
	for _, a := range n.AddrsOf(l.Name) {
		if !strings.HasPrefix(a, "127.0.0.1/") && a != "127.0.0.1" {
			return false
		}
	}
	return true
}

func linkItem(n snapshot.Netns, l snapshot.Link, cabled map[end]bool, o options, shown map[string]bool) item {
	it := item{name: line{s(l.Name, kLink)}, state: stateLine(l)}
	if peer, ok := samePair(n, l, cabled); ok {
		shown[peer.Name] = true
		it.name = line{s(l.Name, kLink), s(" ⇄ ", plain), s(peer.Name, kLink)}
		if a, b := state(l), state(peer); a != b {
			it.state = append(append(stateLine(l), s(" ⇄ ", plain)), stateLine(peer)...)
		}
		// Both ends' addresses are listed; naming the device says whose.
		for _, d := range []snapshot.Link{l, peer} {
			for _, a := range n.AddrsOf(d.Name) {
				it.subs = append(it.subs, line{s(d.Name+" ", kLink), s(a, kAddr)})
			}
		}
		return it
	}
	it.link = l.Name
	if l.Kind == "veth" && !cabled[end{n.Name, l.Name}] {
		it.subs = append(it.subs, line{s("(peer elsewhere)", plain)})
	}
	for _, a := range n.AddrsOf(l.Name) {
		it.subs = append(it.subs, line{s(a, kAddr)})
	}
	if note, ok := o.notes[l.Name]; ok {
		it.subs = append(it.subs, line{s("═ ", kCable), s(note, kLink)})
	}
	return it
}

// samePair finds the other end of a veth whose peer lives in the same
// namespace.
func samePair(n snapshot.Netns, l snapshot.Link, cabled map[end]bool) (snapshot.Link, bool) {
	if l.Kind != "veth" || l.Peer == "" || l.Peer == l.Name || (l.PeerNetns != "" && l.PeerNetns != n.Name) || cabled[end{n.Name, l.Name}] {
		return snapshot.Link{}, false
	}
	p, ok := n.Link(l.Peer)
	if !ok || p.Kind != "veth" || cabled[end{n.Name, p.Name}] {
		return snapshot.Link{}, false
	}
	return p, true
}

// state is what a learner must tell apart: a link that is off, one that is
// on but whose other end is not (no carrier), and one that passes traffic.
func state(l snapshot.Link) string {
	up := slices.Contains(l.Flags, "UP")
	switch {
	case up && slices.Contains(l.Flags, "LOWER_UP"):
		return "up"
	case up:
		return "no carrier"
	}
	return "down"
}

func stateLine(l snapshot.Link) line {
	st := state(l)
	if st == "up" {
		return line{s(st, kUp)}
	}
	return line{s(st, kDown)}
}

func routeLines(r snapshot.Route, squeeze bool) []line {
	var word string
	var target seg
	switch {
	case r.Via != "":
		word, target = "default via", s(r.Via, kAddr)
	case r.Dev != "":
		word, target = "default dev", s(r.Dev, kLink)
	default:
		return []line{{s("default", plain)}}
	}
	if squeeze {
		return []line{{s(word, plain)}, {spaces(2), target}}
	}
	return []line{{s(word+" ", plain), target}}
}
