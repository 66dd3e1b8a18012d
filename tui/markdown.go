package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// markdown renders lesson prose: goldmark's CommonMark parser (core only:
// its extensions compile regular expressions at start-up) and a renderer of
// our own in the one Styles, wrapped to the width. A render is cached by
// width: a key press must answer within a frame.
type markdown struct {
	st     Styles
	parser parser.Parser
	cache  map[string]string
}

func newMarkdown(st Styles) *markdown {
	return &markdown{st: st, parser: parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
	), cache: map[string]string{}}
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
	b := []byte(src)
	doc := m.parser.Parse(text.NewReader(b))
	r := mdRender{st: m.st, src: b}
	out := strings.Join(r.blocks(doc, width-len(margin)), "\n")
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

// mdRender turns one parsed document into lines.
type mdRender struct {
	st  Styles
	src []byte
}

// blocks renders the children of a container, a blank line between blocks
// (none between the items of a tight list).
func (r mdRender) blocks(parent ast.Node, width int) []string {
	var out []string
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		if len(out) > 0 && !tightItem(n) {
			out = append(out, "")
		}
		out = append(out, r.block(n, width)...)
	}
	return out
}

// tightItem is a block that follows its sibling without a blank line: the
// paragraph-like text of a tight list item and the items of a tight list.
func tightItem(n ast.Node) bool {
	if _, ok := n.(*ast.ListItem); ok {
		if l, ok := n.Parent().(*ast.List); ok {
			return l.IsTight
		}
	}
	if p := n.Parent(); p != nil {
		if l, ok := p.Parent().(*ast.List); ok && l.IsTight {
			return true
		}
	}
	return false
}

func (r mdRender) block(n ast.Node, width int) []string {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		return wrapLines(r.inline(n), width)
	case *ast.Heading:
		return wrapLines(r.st.MdHeading.Render(r.plainInline(n)), width)
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		return r.code(n, width)
	case *ast.List:
		return r.list(n, width)
	case *ast.Blockquote:
		bar := r.st.Subtle.Render("│") + " "
		lines := r.blocks(n, width-2)
		for i, l := range lines {
			lines[i] = bar + l
		}
		return lines
	case *ast.ThematicBreak:
		return []string{r.st.Subtle.Render(strings.Repeat("─", min(width, 40)))}
	case *ast.HTMLBlock:
		return r.raw(n)
	default:
		return r.blocks(n, width)
	}
}

// code is a code block as the learner would type it, indented; a line too
// long for the width is broken at a space (inside a word only when it has
// to be), the rest indented under it.
func (r mdRender) code(n ast.Node, width int) []string {
	var out []string
	for _, l := range r.raw(n) {
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

// raw is a block's lines as written, without their line ends.
func (r mdRender) raw(n ast.Node) []string {
	var out []string
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		out = append(out, strings.TrimRight(string(seg.Value(r.src)), "\n"))
	}
	return out
}

// list renders items with a bullet or a number and a hanging indent.
func (r mdRender) list(l *ast.List, width int) []string {
	var out []string
	num := l.Start
	for it := l.FirstChild(); it != nil; it = it.NextSibling() {
		if len(out) > 0 && !l.IsTight {
			out = append(out, "")
		}
		marker := "• "
		if l.IsOrdered() {
			marker = fmt.Sprintf("%d. ", num)
			num++
		}
		pad := strings.Repeat(" ", ansi.StringWidth(marker))
		for i, line := range r.blocks(it, width-len(pad)) {
			switch {
			case i == 0:
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

// inline renders the inline content of a block as one styled string.
func (r mdRender) inline(parent ast.Node) string {
	var b strings.Builder
	for n := parent.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(r.src))
			switch {
			case n.HardLineBreak():
				b.WriteString("\n")
			case n.SoftLineBreak():
				b.WriteString(" ")
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.CodeSpan:
			b.WriteString(r.st.MdCode.Render(r.plainInline(n)))
		case *ast.Emphasis:
			style := r.st.MdEmph
			if n.Level >= 2 {
				style = r.st.MdStrong
			}
			b.WriteString(style.Render(r.plainInline(n)))
		case *ast.Link:
			label := r.plainInline(n)
			b.WriteString(r.st.MdLink.Render(label))
			if dest := string(n.Destination); dest != "" && dest != label {
				b.WriteString(" " + r.st.Subtle.Render("("+dest+")"))
			}
		case *ast.AutoLink:
			b.WriteString(r.st.MdLink.Render(string(n.URL(r.src))))
		case *ast.Image:
			b.WriteString(r.plainInline(n))
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				b.Write(seg.Value(r.src))
			}
		default:
			b.WriteString(r.inline(n))
		}
	}
	return b.String()
}

// plainInline is the text of an inline span without styles, for a span
// styled as a whole (a code span, an emphasis, a link's label).
func (r mdRender) plainInline(parent ast.Node) string {
	return ansi.Strip(r.inline(parent))
}

// wrapLines wraps styled text at spaces to width; a word longer than the
// width is broken.
func wrapLines(s string, width int) []string {
	return strings.Split(ansi.Wrap(s, width, ""), "\n")
}
