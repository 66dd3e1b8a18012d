// Package topo draws the namespaces of a snapshot as a topology a learner
// can read at a glance: one box per namespace with its links, states and
// addresses, veth pairs as cables between the boxes, bridges with their
// ports. It is pure text layout, so the TUI can show it next to a lesson
// step and tests can compare it with golden files.
package topo

import (
	"strings"

	"github.com/cnilab/lab/netops/snapshot"
)

// compactWidth is the narrowest width that still takes boxes side by side
// with cables; below it a plain list reads better than squashed frames.
const compactWidth = 30

// Style lets the caller colour parts of the drawing without this package
// knowing its styles. Each hook gets a piece of plain text and returns it
// decorated; nil hooks leave text as is. Hooks must not change the text's
// width: layout is measured before painting.
type Style struct {
	Netns func(string) string // namespace names
	Link  func(string) string // interface names
	Addr  func(string) string // addresses and gateways
	Up    func(string) string // the state "up"
	Down  func(string) string // the states "down" and "no carrier"
	Cable func(string) string // cables, drawn and listed
}

// Render draws the namespaces of snap as boxes, veth pairs as cables between
// them, bridges with their ports, addresses on each end, within width
// columns. Plain text (box-drawing characters), no colour.
func Render(snap snapshot.Snapshot, width int) string {
	return RenderStyled(snap, width, Style{})
}

// RenderStyled is Render with a Style hook so the TUI can colour names,
// addresses and states.
func RenderStyled(snap snapshot.Snapshot, width int, st Style) string {
	if width <= 0 {
		return ""
	}
	var lines []line
	switch {
	case len(snap.Namespaces) == 0:
		lines = []line{{s("no namespaces yet", plain)}}
	case width < compactWidth:
		lines = compact(snap, width)
	default:
		lines = drawing(snap, width)
	}
	out := make([]string, len(lines))
	for k, l := range lines {
		out[k] = st.paint(l.fit(width))
	}
	return strings.Join(out, "\n")
}

// drawing lays out the boxes in rows, then lists the cables that could not
// be drawn between neighbours.
func drawing(snap snapshot.Snapshot, width int) []line {
	cs := findCables(snap)
	drawn := map[*cable]bool{}
	var out []line
	for k, row := range pack(snap, cs, width) {
		if k > 0 {
			out = append(out, blankLines(rowSpacing)...)
		}
		ws := align(row, cs)
		for _, g := range ws {
			for _, w := range g {
				drawn[w.c] = true
			}
		}
		out = append(out, drawRow(row, ws)...)
	}
	if rest := listLines(cs, drawn, width); len(rest) > 0 {
		out = append(out, blankLines(1)...)
		out = append(out, rest...)
	}
	return out
}

func blankLines(n int) []line { return make([]line, n) }

// drawRow puts the row's boxes side by side, each at its own top, with the
// wires between neighbours and tees where they meet the borders.
func drawRow(row []slot, ws [][]wire) []line {
	height := 0
	drawn := make([][]line, len(row))
	for k, sl := range row {
		drawn[k] = sl.b.render()
		height = max(height, sl.b.top+len(drawn[k]))
	}
	// wireAt reports whether a wire crosses gap k (before box k) on row line y.
	wireAt := func(k, y int) bool {
		if k <= 0 || k >= len(row) {
			return false
		}
		for _, w := range ws[k] {
			if row[k-1].b.top+1+w.i == y {
				return true
			}
		}
		return false
	}
	out := make([]line, height)
	for y := range height {
		var l line
		for k, sl := range row {
			if wireAt(k, y) {
				l = append(l, s(strings.Repeat("─", sl.gap), kCable))
			} else {
				l = append(l, spaces(sl.gap))
			}
			by := y - sl.b.top
			if by < 0 || by >= len(drawn[k]) {
				l = append(l, spaces(sl.b.width()))
				continue
			}
			bl := append(line(nil), drawn[k][by]...)
			if wireAt(k, y) {
				bl[0] = s("┤", kCable)
			}
			if wireAt(k+1, y) {
				bl[len(bl)-1] = s("├", kCable)
			}
			l = append(l, bl...)
		}
		out[y] = l.trimRight()
	}
	return out
}
