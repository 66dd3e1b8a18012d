package topo

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// kind says which Style hook paints a piece of text. Layout works on plain
// text tagged with kinds and paints only at the very end, so every width is
// measured without escape codes and styling can never break the layout.
type kind uint8

const (
	plain kind = iota
	kNetns
	kLink
	kAddr
	kUp
	kDown
	kCable
)

// seg is a run of text of one kind.
type seg struct {
	text string
	kind kind
}

// line is one output line as styled runs.
type line []seg

func s(text string, k kind) seg { return seg{text, k} }

func spaces(n int) seg {
	if n < 0 {
		n = 0
	}
	return seg{strings.Repeat(" ", n), plain}
}

// cells is the terminal width of plain text; box names may hold any rune, so
// counting bytes or runes would misplace borders on wide characters.
func cells(t string) int { return lipgloss.Width(t) }

func (l line) width() int {
	w := 0
	for _, sg := range l {
		w += cells(sg.text)
	}
	return w
}

func (l line) plain() string {
	var b strings.Builder
	for _, sg := range l {
		b.WriteString(sg.text)
	}
	return b.String()
}

// fit cuts l to at most w cells, ending in "…" when something was cut, so a
// learner can tell a name was shortened rather than misspelt.
func (l line) fit(w int) line {
	if l.width() <= w {
		return l
	}
	if w <= 0 {
		return nil
	}
	var out line
	room := w - 1 // keep a cell for the ellipsis
	last := plain
	for _, sg := range l {
		tw := cells(sg.text)
		if tw <= room {
			out = append(out, sg)
			room -= tw
			last = sg.kind
			continue
		}
		var b strings.Builder
		for _, r := range sg.text {
			rw := cells(string(r))
			if rw > room {
				break
			}
			b.WriteRune(r)
			room -= rw
		}
		if b.Len() > 0 {
			out = append(out, s(b.String(), sg.kind))
		}
		last = sg.kind
		break
	}
	// A cut name keeps its colour on the ellipsis; trailing padding does not.
	return append(out, s("…", last))
}

// padTo fills l with spaces up to w cells.
func (l line) padTo(w int) line {
	if gap := w - l.width(); gap > 0 {
		return append(l, spaces(gap))
	}
	return l
}

// trimRight drops trailing spaces so golden files and terminals do not carry
// invisible padding after the last box of a row.
func (l line) trimRight() line {
	for len(l) > 0 {
		last := l[len(l)-1]
		t := strings.TrimRight(last.text, " ")
		if t != "" {
			l[len(l)-1].text = t
			return l
		}
		l = l[:len(l)-1]
	}
	return l
}

// paint renders l through the style hooks; nil hooks leave text as is.
func (st Style) paint(l line) string {
	var b strings.Builder
	for _, sg := range l {
		f := st.hook(sg.kind)
		if f == nil || sg.text == "" || strings.TrimSpace(sg.text) == "" {
			b.WriteString(sg.text)
			continue
		}
		b.WriteString(f(sg.text))
	}
	return b.String()
}

func (st Style) hook(k kind) func(string) string {
	switch k {
	case kNetns:
		return st.Netns
	case kLink:
		return st.Link
	case kAddr:
		return st.Addr
	case kUp:
		return st.Up
	case kDown:
		return st.Down
	case kCable:
		return st.Cable
	}
	return nil
}
