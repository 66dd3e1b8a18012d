package topo

import (
	"github.com/cnilab/lab/netops/snapshot"
)

// Gaps between boxes: a cable needs room to be seen as a wire, unrelated
// boxes only need to not touch.
const (
	cableGap   = 4
	tightGap   = 2 // a cable squeezed to fit a chain on one row
	plainGap   = 2
	rowSpacing = 1 // blank lines between rows
)

// slot is a box placed in a row, with the gap before it.
type slot struct {
	b   *box
	gap int
}

// chains orders the namespaces into runs of cable-linked neighbours, so each
// namespace sits next to one it has a cable to and the cable can be drawn.
// Runs start in snapshot order (host first, world last). A namespace with
// several cables starts its run in the middle: its first neighbour goes on
// its left and the next on its right, the way a bridge host sits between the
// namespaces plugged into it.
func chains(snap snapshot.Snapshot, cs []cable) [][]int {
	n := len(snap.Namespaces)
	idx := map[string]int{}
	for k, ns := range snap.Namespaces {
		idx[ns.Name] = k
	}
	adj := make([][]bool, n)
	for k := range adj {
		adj[k] = make([]bool, n)
	}
	for _, c := range cs {
		a, b := idx[c.a.ns], idx[c.b.ns]
		adj[a][b], adj[b][a] = true, true
	}
	placed := make([]bool, n)
	next := func(k int) int {
		for j := range n {
			if adj[k][j] && !placed[j] {
				return j
			}
		}
		return -1
	}
	var out [][]int
	for seed := range n {
		if placed[seed] {
			continue
		}
		placed[seed] = true
		chain := []int{seed}
		degree := 0
		for j := range n {
			if adj[seed][j] && !placed[j] {
				degree++
			}
		}
		if degree >= 2 {
			left := next(seed)
			placed[left] = true
			chain = []int{left, seed}
		}
		for {
			if j := next(chain[len(chain)-1]); j >= 0 {
				placed[j] = true
				chain = append(chain, j)
				continue
			}
			if j := next(chain[0]); j >= 0 {
				placed[j] = true
				chain = append([]int{j}, chain...)
				continue
			}
			break
		}
		out = append(out, chain)
	}
	return out
}

// variant is one way of drawing a chain, from roomiest to tightest.
type variant struct {
	squeeze bool
	gap     int
}

// build makes the boxes of one chain and their gaps in a variant.
func build(snap snapshot.Snapshot, chain []int, cs []cable, isCabled map[end]bool, v variant, width int) []slot {
	var out []slot
	for k, i := range chain {
		b := newBox(snap.Namespaces[i], isCabled, options{squeeze: v.squeeze, align: true}, width)
		gap := 0
		if k > 0 {
			gap = plainGap
			if len(wires(cs, out[k-1].b, b)) > 0 {
				gap = v.gap
			}
		}
		out = append(out, slot{b, gap})
	}
	return out
}

func span(ss []slot) int {
	w := 0
	for _, sl := range ss {
		w += sl.gap + sl.b.width()
	}
	return w
}

// pack fills rows left to right. A chain stays whole when it can: it moves
// to a new row rather than break, and squeezes before it breaks; only a
// chain wider than a row even at its tightest is split, its broken cables
// then going to the listing.
func pack(snap snapshot.Snapshot, cs []cable, width int) [][]slot {
	isCabled := cabled(cs)
	variants := []variant{{false, cableGap}, {true, cableGap}, {false, tightGap}, {true, tightGap}}
	var rows [][]slot
	var cur []slot
	used := 0
	flush := func() {
		if len(cur) > 0 {
			rows = append(rows, cur)
		}
		cur, used = nil, 0
	}
	add := func(ss []slot) {
		if len(cur) > 0 {
			ss[0].gap = plainGap
		}
		cur = append(cur, ss...)
		used += span(ss)
	}
	for _, chain := range chains(snap, cs) {
		if len(cur) > 0 {
			ss := build(snap, chain, cs, isCabled, variants[0], width)
			if used+plainGap+span(ss) <= width {
				add(ss)
				continue
			}
			flush()
		}
		var ss []slot
		for _, v := range variants {
			ss = build(snap, chain, cs, isCabled, v, width)
			if span(ss) <= width {
				break
			}
		}
		if span(ss) <= width {
			add(ss)
			continue
		}
		for _, sl := range ss {
			if len(cur) > 0 && used+sl.gap+sl.b.width() > width {
				flush()
			}
			if len(cur) == 0 {
				sl.gap = 0
			}
			cur = append(cur, sl)
			used += sl.gap + sl.b.width()
		}
	}
	flush()
	return rows
}

// align sets each box's top and spacers so every drawable cable between
// neighbours runs straight across, and returns those wires per gap (index k
// holds the wires between box k-1 and box k). When a box must rise above
// the row's top to meet its left neighbour, the whole run of boxes wired to
// it moves down instead.
func align(row []slot, cs []cable) [][]wire {
	out := make([][]wire, len(row))
	run := 0
	for k := 1; k < len(row); k++ {
		l, r := row[k-1].b, row[k].b
		ws := wires(cs, l, r)
		if len(ws) == 0 {
			run = k
			continue
		}
		out[k] = ws
		top := l.top + ws[0].i - ws[0].j
		if top < 0 {
			for m := run; m < k; m++ {
				row[m].b.top -= top
			}
			top = 0
		}
		r.top = top
		for m := 1; m < len(ws); m++ {
			r.spacers[ws[m].j] += (ws[m].i - ws[m-1].i) - (ws[m].j - ws[m-1].j)
		}
	}
	return out
}
