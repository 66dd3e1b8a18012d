package topo

import (
	"strings"

	"github.com/cnilab/lab/netops/snapshot"
)

// minInner keeps boxes at least 16 columns wide (12 + borders and padding),
// so a nearly empty namespace still reads as a box and not as a glyph.
const minInner = 12

// box is one namespace drawn as a frame with its links inside.
type box struct {
	ns     string
	lines  []body
	attach map[string]int // link name -> content line a cable leaves from
	inner  int            // width between "│ " and " │"
	// Set by layout: blank lines to add before content line k, and how far
	// below the top of its row the box starts.
	spacers map[int]int
	top     int
}

func (b *box) width() int { return b.inner + 4 }

// pos is where content line k lands among the rendered body lines.
func (b *box) pos(k int) int {
	p := k
	for at, n := range b.spacers {
		if at <= k {
			p += n
		}
	}
	return p
}

// newBox builds the box of n no wider than maxWidth columns.
func newBox(n snapshot.Netns, cabled map[end]bool, o options, maxWidth int) *box {
	lines, attach := content(n, cabled, o)
	inner := max(minInner, cells(n.Name)+1)
	for _, l := range lines {
		inner = max(inner, l.text.width())
	}
	inner = min(inner, maxWidth-4)
	return &box{ns: n.Name, lines: lines, attach: attach, inner: inner, spacers: map[int]int{}}
}

// render draws the box from its top border to its bottom one, spacers
// included. The side borders stay separate runs so a row can replace them
// with tees where a cable plugs into the interface on that line.
func (b *box) render() []line {
	out := []line{b.topBorder()}
	for k, l := range b.lines {
		for range b.spacers[k] {
			out = append(out, b.framed(line{s(l.cont, plain)}))
		}
		out = append(out, b.framed(l.text))
	}
	return append(out, line{s("└"+strings.Repeat("─", b.inner+2)+"┘", plain)})
}

func (b *box) topBorder() line {
	name := line{s(b.ns, kNetns)}.fit(b.inner - 1)
	rest := b.inner - name.width()
	l := line{s("┌ ", plain)}
	l = append(l, name...)
	return append(l, s(" "+strings.Repeat("─", rest)+"┐", plain))
}

// framed puts text between the side borders; the borders stay separate runs
// (first and last) so a row can swap them for tees.
func (b *box) framed(text line) line {
	l := line{s("│", plain), spaces(1)}
	l = append(l, text.fit(b.inner).padTo(b.inner)...)
	return append(l, spaces(1), s("│", plain))
}
