package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// markdown renders lesson prose: our CommonMark reader (mdparse.go) and a
// renderer in the one Styles, wrapped to the width. A render is cached by
// width: a key press must answer within a frame.
type markdown struct {
	st    Styles
	cache map[string]string
}

func newMarkdown(st Styles) *markdown {
	return &markdown{st: st, cache: map[string]string{}}
}

// margin is the indent of prose under the step's title.
const margin = "  "

func (m *markdown) render(src string, width int) string {
	if width < 20 {
		width = 20
	}
	k := strconv.Itoa(width) + "\x00" + src
	if out, ok := m.cache[k]; ok {
		return out
	}
	r := mdRender{st: m.st}
	out := strings.Join(r.blocks(parseMarkdown(src), width-len(margin), true), "\n")
	out = margin + strings.ReplaceAll(out, "\n", "\n"+margin)
	out = strings.TrimRight(trimLines(out), "\n")
	m.cache[k] = out
	return out
}

// trimLines drops the trailing blanks of every line (the margin of an
// empty line).
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// mdRender turns blocks into lines.
type mdRender struct {
	st Styles
}

// blocks renders a sequence of blocks, a blank line between them, none
// when they are the blocks of a tight list's item.
func (r mdRender) blocks(bs []mdBlock, width int, loose bool) []string {
	var out []string
	for _, b := range bs {
		if len(out) > 0 && loose {
			out = append(out, "")
		}
		out = append(out, r.block(b, width)...)
	}
	return out
}

func (r mdRender) block(b mdBlock, width int) []string {
	switch b.kind {
	case mdHeading:
		return wrapLines(r.st.MdHeading.Render(plainText(parseInline(b.text))), width)
	case mdCode:
		return r.code(b.lines, width)
	case mdList:
		return r.list(b, width)
	case mdQuote:
		bar := r.st.Subtle.Render("│") + " "
		lines := r.blocks(b.children, width-2, true)
		for i, l := range lines {
			lines[i] = bar + l
		}
		return lines
	case mdRule:
		return []string{r.st.Subtle.Render(strings.Repeat("─", min(width, 40)))}
	}
	return wrapLines(r.inline(parseInline(b.text)), width)
}

// code is a code block as the learner would type it, indented; a line too
// long for the width is broken at a space (inside a word only when it has
// to be), the rest indented under it.
func (r mdRender) code(lines []string, width int) []string {
	var out []string
	for _, l := range lines {
		for i, part := range strings.Split(ansi.Wrap(l, max(width-6, 4), ""), "\n") {
			lead := "    "
			if i > 0 {
				lead = "      "
			}
			out = append(out, lead+r.st.Command.Render(strings.TrimRight(part, " ")))
		}
	}
	return out
}

// list renders items with a bullet or a number and a hanging indent.
func (r mdRender) list(l mdBlock, width int) []string {
	var out []string
	for i, item := range l.items {
		if i > 0 && !l.tight {
			out = append(out, "")
		}
		marker := "• "
		if l.ordered {
			marker = fmt.Sprintf("%d. ", l.start+i)
		}
		pad := strings.Repeat(" ", ansi.StringWidth(marker))
		for j, line := range r.blocks(item, width-len(pad), !l.tight) {
			switch {
			case j == 0:
				out = append(out, r.st.Subtle.Render(marker)+line)
			case line == "":
				out = append(out, "")
			default:
				out = append(out, pad+line)
			}
		}
	}
	return out
}

// inline styles a paragraph's spans into one string.
func (r mdRender) inline(spans []span) string {
	var b strings.Builder
	for _, sp := range spans {
		switch sp.style {
		case spanCode:
			b.WriteString(r.st.MdCode.Render(sp.text))
		case spanEmph:
			b.WriteString(r.st.MdEmph.Render(sp.text))
		case spanStrong:
			b.WriteString(r.st.MdStrong.Render(sp.text))
		case spanLink:
			b.WriteString(r.st.MdLink.Render(sp.text))
			if sp.dest != "" && sp.dest != sp.text {
				b.WriteString(" " + r.st.Subtle.Render("("+sp.dest+")"))
			}
		case spanBreak:
			b.WriteString("\n")
		default:
			b.WriteString(sp.text)
		}
	}
	return b.String()
}

// wrapLines wraps styled text at spaces to width; a word longer than the
// width is broken.
func wrapLines(s string, width int) []string {
	return strings.Split(ansi.Wrap(s, width, ""), "\n")
}
