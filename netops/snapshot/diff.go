package snapshot

import (
	"cmp"
	"slices"
	"strings"
)

// identity is a rule line's own key and text: a rule has no other name.
func identity(s string) string { return s }

// byChain orders rule lines by their "table ... chain ...:" head only, so
// within a chain the removed rules come first, then the added ones, each in
// the chain's order.
func byChain(a, b string) int {
	ha, _, _ := strings.Cut(a, ": ")
	hb, _, _ := strings.Cut(b, ": ")
	return strings.Compare(ha, hb)
}

// Change is one line that appeared ('+') or disappeared ('-') in a namespace.
type Change struct {
	Netns string `json:"netns"`
	Sign  byte   `json:"sign"` // '+' or '-'
	Kind  string `json:"kind"` // "netns", "link", "addr", "route", "sysctl", "rule", "neigh", "fdb", "conntrack"
	Line  string `json:"line"`
}

// Diff is what changed between two snapshots, ordered for reading: by
// namespace (after's order, then removed ones), then netns, links, addrs,
// routes, sysctls, rules, neighs, fdb, conntrack, and '-' before '+' for the
// same object.
type Diff struct {
	Changes []Change `json:"changes"`
}

// Empty reports whether nothing changed.
func (d Diff) Empty() bool { return len(d.Changes) == 0 }

// Compare lists what changed from before to after. What moves by itself
// never shows: a neighbour is compared by its answer (a MAC, or none yet),
// not by its state's timers, and a conntrack entry only when it appears,
// since entries expire by themselves. Sysctls, fdb and conntrack are
// compared when both snapshots are full (TakeFull).
func Compare(before, after Snapshot) Diff {
	var d Diff
	for _, a := range after.Namespaces {
		b, ok := before.Find(a.Name)
		if !ok {
			d.Changes = append(d.Changes, Change{Netns: a.Name, Sign: '+', Kind: "netns", Line: "netns " + a.Name})
		}
		if !ok {
			b.Sysctls = Sysctls // a new namespace shows what differs from the kernel's defaults
		}
		d.Changes = append(d.Changes, compareNetns(b, a)...)
	}
	for _, b := range before.Namespaces {
		if _, ok := after.Find(b.Name); ok {
			continue
		}
		d.Changes = append(d.Changes, Change{Netns: b.Name, Sign: '-', Kind: "netns", Line: "netns " + b.Name})
		gone := Netns{Name: b.Name}
		b.Sysctls, b.Conntrack = nil, nil // they went with it; the netns line says so
		d.Changes = append(d.Changes, compareNetns(b, gone)...)
	}
	return d
}

// compareNetns diffs one namespace; a missing side is an empty Netns, so a
// new namespace shows all its objects as '+'.
func compareNetns(before, after Netns) []Change {
	name := cmp.Or(after.Name, before.Name)
	var out []Change
	// A link's identity is its name: a changed line is the same link in a
	// new state, shown as the old line then the new one.
	out = append(out, compareKind(name, "link", before.Links, after.Links,
		func(l Link) string { return l.Name }, Link.Line, cmpLink)...)
	out = append(out, compareKind(name, "addr", before.Addrs, after.Addrs,
		func(a Addr) string { return a.Dev + " " + a.Prefix }, Addr.Line, cmpAddr)...)
	out = append(out, compareKind(name, "route", before.Routes, after.Routes,
		Route.Line, Route.Line, cmpRoute)...)
	if after.Sysctls != nil {
		out = append(out, compareKind(name, "sysctl", before.Sysctls, after.Sysctls,
			func(s Sysctl) string { return s.Key }, Sysctl.Line, cmpSysctl)...)
	}
	out = append(out, compareKind(name, "rule", before.Rules, after.Rules,
		identity, identity, byChain)...)
	out = append(out, compareKind(name, "neigh", before.Neighs, after.Neighs,
		func(n Neigh) string { return n.Dev + " " + n.IP }, Neigh.diffLine, cmpNeigh)...)
	out = append(out, compareKind(name, "fdb", before.FDB, after.FDB,
		func(f FDB) string { return f.Master + " " + f.MAC }, FDB.Line, cmpFDB)...)
	for _, c := range compareKind(name, "conntrack", before.Conntrack, after.Conntrack, identity, identity, strings.Compare) {
		if c.Sign == '+' {
			out = append(out, c)
		}
	}
	return out
}

// compareKind diffs two lists of one kind of object: key gives an object's
// identity, line what is shown, order where its changes go.
func compareKind[T any](netns, kind string, before, after []T, key, line func(T) string, order func(a, b T) int) []Change {
	// at is where the event sorts: a changed object's old line sorts at its
	// new state, so its '-' and '+' stay together.
	type event struct {
		obj, at T
		sign    byte
	}
	old := map[string]T{}
	for _, b := range before {
		old[key(b)] = b
	}
	cur := map[string]bool{}
	var events []event
	for _, a := range after {
		k := key(a)
		cur[k] = true
		b, existed := old[k]
		switch {
		case !existed:
			events = append(events, event{a, a, '+'})
		case line(b) != line(a):
			events = append(events, event{b, a, '-'}, event{a, a, '+'})
		}
	}
	for _, b := range before {
		if !cur[key(b)] {
			events = append(events, event{b, b, '-'})
		}
	}
	slices.SortStableFunc(events, func(x, y event) int {
		// Reversed: '-' sorts before '+', though '+' < '-' in ASCII.
		return cmp.Or(order(x.at, y.at), cmp.Compare(y.sign, x.sign))
	})
	out := make([]Change, 0, len(events))
	for _, e := range events {
		out = append(out, Change{Netns: netns, Sign: e.sign, Kind: kind, Line: line(e.obj)})
	}
	return out
}
