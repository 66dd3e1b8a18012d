package tui

import (
	"strconv"
	"strings"
)

// A small CommonMark reader for lesson prose: the blocks (paragraphs, ATX
// headings, indented and fenced code, bullet and ordered lists, block
// quotes, thematic breaks) and the inlines (code spans, emphasis, links,
// autolinks, escapes, hard breaks) that lessons use. It costs nothing at
// start-up: a markdown library's package init (tables, regexps) would run
// in every lab command, a CNI plugin run included.

type blockKind int

const (
	mdPara blockKind = iota
	mdHeading
	mdCode
	mdList
	mdQuote
	mdRule
)

// mdBlock is one block of a document.
type mdBlock struct {
	kind     blockKind
	text     string      // paragraph, heading: the inline source, lines joined by \n
	lines    []string    // code: its lines as written
	items    [][]mdBlock // list: each item's blocks
	ordered  bool        // list
	start    int         // ordered list: its first number
	tight    bool        // list: no blank line between or inside its items
	children []mdBlock   // quote
}

// parseMarkdown splits src into blocks.
func parseMarkdown(src string) []mdBlock {
	src = strings.ReplaceAll(src, "\r\n", "\n")
	return parseBlocks(strings.Split(strings.ReplaceAll(src, "\t", "    "), "\n"))
}

func parseBlocks(lines []string) []mdBlock {
	var out []mdBlock
	for i := 0; i < len(lines); {
		line := lines[i]
		if blank(line) {
			i++
			continue
		}
		ind, t := indentOf(line)
		switch {
		case ind >= 4:
			b, n := indentedCode(lines[i:])
			out, i = append(out, b), i+n
		case fence(t) != "":
			b, n := fencedCode(lines[i:], ind, fence(t))
			out, i = append(out, b), i+n
		case headingLevel(t) > 0:
			text := strings.TrimSpace(t[headingLevel(t):])
			text = strings.TrimSpace(strings.TrimRight(text, "#"))
			out, i = append(out, mdBlock{kind: mdHeading, text: text}), i+1
		case thematicBreak(t):
			out, i = append(out, mdBlock{kind: mdRule}), i+1
		case strings.HasPrefix(t, ">"):
			b, n := quote(lines[i:])
			out, i = append(out, b), i+n
		case listMarker(t) != nil:
			b, n := listBlock(lines[i:])
			out, i = append(out, b), i+n
		default:
			b, n := paragraph(lines[i:])
			out, i = append(out, b), i+n
		}
	}
	return out
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// indentOf is a line's leading spaces and the rest.
func indentOf(s string) (int, string) {
	t := strings.TrimLeft(s, " ")
	return len(s) - len(t), t
}

// dedent removes up to n leading spaces.
func dedent(s string, n int) string {
	ind, _ := indentOf(s)
	return s[min(ind, n):]
}

func indentedCode(lines []string) (mdBlock, int) {
	b := mdBlock{kind: mdCode}
	n := 0
	for ; n < len(lines); n++ {
		if ind, _ := indentOf(lines[n]); !blank(lines[n]) && ind < 4 {
			break
		}
		b.lines = append(b.lines, dedent(lines[n], 4))
	}
	for len(b.lines) > 0 && blank(b.lines[len(b.lines)-1]) {
		b.lines = b.lines[:len(b.lines)-1]
	}
	return b, n
}

// fence is the opening code fence of a line (``` or ~~~ or longer), "".
func fence(t string) string {
	for _, c := range []string{"`", "~"} {
		n := len(t) - len(strings.TrimLeft(t, c))
		if n >= 3 && !(c == "`" && strings.Contains(t[n:], "`")) {
			return t[:n]
		}
	}
	return ""
}

func fencedCode(lines []string, ind int, open string) (mdBlock, int) {
	b := mdBlock{kind: mdCode}
	for n := 1; n < len(lines); n++ {
		_, t := indentOf(lines[n])
		if strings.HasPrefix(t, open) && strings.Trim(t, open[:1]+" ") == "" {
			return b, n + 1
		}
		b.lines = append(b.lines, dedent(lines[n], ind))
	}
	return b, len(lines) // unclosed: to the end, as CommonMark says
}

func headingLevel(t string) int {
	n := len(t) - len(strings.TrimLeft(t, "#"))
	if n < 1 || n > 6 || (len(t) > n && t[n] != ' ') {
		return 0
	}
	return n
}

func thematicBreak(t string) bool {
	s := strings.ReplaceAll(t, " ", "")
	if len(s) < 3 {
		return false
	}
	return strings.Trim(s, s[:1]) == "" && strings.ContainsAny(s[:1], "-*_")
}

func quote(lines []string) (mdBlock, int) {
	var inner []string
	n := 0
	for ; n < len(lines); n++ {
		_, t := indentOf(lines[n])
		if !strings.HasPrefix(t, ">") {
			break
		}
		t = strings.TrimPrefix(t[1:], " ")
		inner = append(inner, t)
	}
	return mdBlock{kind: mdQuote, children: parseBlocks(inner)}, n
}

// marker is a list item's marker: its kind, number and the width of what
// precedes the item's content (indent, marker, spaces).
type marker struct {
	ordered bool
	bullet  byte // '-', '*', '+', or '.' / ')' for an ordered list
	num     int
	width   int
}

// listMarker reads the marker of a list item line (its indent removed), nil.
func listMarker(t string) *marker {
	if len(t) >= 2 && strings.ContainsRune("-*+", rune(t[0])) && t[1] == ' ' {
		return &marker{bullet: t[0], width: 1 + spacesAfter(t[1:])}
	}
	d := 0
	for d < len(t) && d < 9 && t[d] >= '0' && t[d] <= '9' {
		d++
	}
	if d == 0 || d+1 >= len(t) || (t[d] != '.' && t[d] != ')') || t[d+1] != ' ' {
		return nil
	}
	num, _ := strconv.Atoi(t[:d])
	return &marker{ordered: true, bullet: t[d], num: num, width: d + 1 + spacesAfter(t[d+1:])}
}

// spacesAfter is how many of the spaces after a marker belong to it: one to
// four; five or more mean indented code, of which the marker takes one.
func spacesAfter(s string) int {
	n := len(s) - len(strings.TrimLeft(s, " "))
	if n > 4 || n == len(s) {
		return 1
	}
	return n
}

func listBlock(lines []string) (mdBlock, int) {
	ind, t := indentOf(lines[0])
	first := listMarker(t)
	b := mdBlock{kind: mdList, ordered: first.ordered, start: first.num, tight: true}
	n := 0
	for n < len(lines) {
		ind, t = indentOf(lines[n])
		m := listMarker(t)
		if blank(lines[n]) || m == nil || m.ordered != first.ordered || m.bullet != first.bullet || ind >= 4 {
			break
		}
		w := ind + m.width
		item := []string{t[m.width:]}
		n++
		sawBlank := false
		for ; n < len(lines); n++ {
			line := lines[n]
			li, lt := indentOf(line)
			switch {
			case blank(line):
				sawBlank = true
				item = append(item, "")
				continue
			case li >= w:
				if sawBlank && len(item) > 1 {
					b.tight = false
				}
				sawBlank = false
				item = append(item, dedent(line, w))
				continue
			case !sawBlank && listMarker(lt) == nil && !thematicBreak(lt) && headingLevel(lt) == 0 && fence(lt) == "" && !strings.HasPrefix(lt, ">"):
				item = append(item, lt) // a paragraph's lazy continuation
				continue
			}
			break
		}
		for len(item) > 0 && blank(item[len(item)-1]) {
			item = item[:len(item)-1]
		}
		b.items = append(b.items, parseBlocks(item))
		if sawBlank && n < len(lines) {
			if _, nt := indentOf(lines[n]); listMarker(nt) != nil {
				b.tight = false
			}
		}
	}
	return b, n
}

func paragraph(lines []string) (mdBlock, int) {
	var text []string
	n := 0
	for ; n < len(lines); n++ {
		line := lines[n]
		if blank(line) {
			break
		}
		ind, t := indentOf(line)
		if n > 0 && ind < 4 && (headingLevel(t) > 0 || thematicBreak(t) || fence(t) != "" || strings.HasPrefix(t, ">") || bulletInterrupts(t)) {
			break
		}
		text = append(text, strings.TrimLeft(line, " "))
	}
	return mdBlock{kind: mdPara, text: strings.Join(text, "\n")}, n
}

// bulletInterrupts: a list item may start in the middle of a paragraph when
// it is a bullet, or an ordered item numbered 1, with content.
func bulletInterrupts(t string) bool {
	m := listMarker(t)
	return m != nil && (!m.ordered || m.num == 1) && !blank(t[m.width:])
}

// inline parses a paragraph's inline source into spans.
type span struct {
	text  string
	style spanStyle
	dest  string // a link's address
}

type spanStyle int

const (
	spanPlain spanStyle = iota
	spanCode
	spanEmph
	spanStrong
	spanLink
	spanBreak // a hard line break
)

// parseInline reads code spans, emphasis, links, autolinks, backslash
// escapes and line breaks; a soft break becomes a space.
func parseInline(s string) []span {
	var out []span
	var plain strings.Builder
	flush := func() {
		if plain.Len() > 0 {
			out = append(out, span{text: plain.String()})
			plain.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && s[i+1] == '\n':
			flush()
			out = append(out, span{style: spanBreak})
			i += 2
		case c == '\\' && i+1 < len(s) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i+1]) >= 0:
			plain.WriteByte(s[i+1])
			i += 2
		case c == '\n':
			if strings.HasSuffix(plain.String(), "  ") {
				text := strings.TrimRight(plain.String(), " ")
				plain.Reset()
				plain.WriteString(text)
				flush()
				out = append(out, span{style: spanBreak})
			} else {
				plain.WriteByte(' ')
			}
			i++
		case c == '`':
			run := runOf(s[i:], '`')
			if end := strings.Index(s[i+run:], strings.Repeat("`", run)); end >= 0 && runOf(s[i+run+end:], '`') == run {
				flush()
				code := strings.ReplaceAll(s[i+run:i+run+end], "\n", " ")
				if len(code) > 2 && code[0] == ' ' && code[len(code)-1] == ' ' && strings.Trim(code, " ") != "" {
					code = code[1 : len(code)-1]
				}
				out = append(out, span{text: code, style: spanCode})
				i += run + end + run
			} else {
				plain.WriteString(s[i : i+run])
				i += run
			}
		case c == '*' || c == '_':
			if sp, n := emphasis(s, i); n > 0 {
				flush()
				out = append(out, sp)
				i += n
			} else {
				run := runOf(s[i:], c)
				plain.WriteString(s[i : i+run])
				i += run
			}
		case c == '[':
			if sp, n := link(s[i:]); n > 0 {
				flush()
				out = append(out, sp)
				i += n
			} else {
				plain.WriteByte(c)
				i++
			}
		case c == '<':
			if end := strings.IndexByte(s[i:], '>'); end > 0 && autolink(s[i+1:i+end]) {
				flush()
				out = append(out, span{text: s[i+1 : i+end], style: spanLink})
				i += end + 1
			} else {
				plain.WriteByte(c)
				i++
			}
		case c == '&':
			if ent, n := entity(s[i:]); n > 0 {
				plain.WriteString(ent)
				i += n
			} else {
				plain.WriteByte(c)
				i++
			}
		default:
			plain.WriteByte(c)
			i++
		}
	}
	flush()
	return out
}

func runOf(s string, c byte) int {
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return n
}

// emphasis reads *em*, **strong**, _em_ or __strong__ at s[i]: the opener
// must be followed by a non-space and the closer preceded by one; `_` does
// not open or close inside a word.
func emphasis(s string, i int) (span, int) {
	c := s[i]
	run := runOf(s[i:], c)
	if run > 2 {
		return span{}, 0
	}
	open := i + run
	if open >= len(s) || s[open] == ' ' || s[open] == '\n' || (c == '_' && i > 0 && wordChar(s[i-1])) {
		return span{}, 0
	}
	delim := strings.Repeat(string(c), run)
	for j := open + 1; j+run <= len(s); j++ {
		if s[j:j+run] != delim || s[j-1] == ' ' || s[j-1] == '\n' || s[j-1] == '\\' {
			continue
		}
		after := j + run
		if runOf(s[j:], c) != run || (c == '_' && after < len(s) && wordChar(s[after])) {
			continue
		}
		style := spanEmph
		if run == 2 {
			style = spanStrong
		}
		return span{text: plainText(parseInline(s[open:j])), style: style}, after - i
	}
	return span{}, 0
}

func wordChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}

// link reads [text](dest "title"); the title is not shown.
func link(s string) (span, int) {
	depth := 0
	for j := 0; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '[':
			depth++
		case ']':
			depth--
			if depth > 0 {
				continue
			}
			if j+1 >= len(s) || s[j+1] != '(' {
				return span{}, 0
			}
			end := strings.IndexByte(s[j+2:], ')')
			if end < 0 {
				return span{}, 0
			}
			dest := strings.TrimSpace(s[j+2 : j+2+end])
			if sp := strings.IndexAny(dest, " \n"); sp >= 0 {
				dest = dest[:sp]
			}
			dest = strings.TrimSuffix(strings.TrimPrefix(dest, "<"), ">")
			return span{text: plainText(parseInline(s[1:j])), style: spanLink, dest: dest}, j + 2 + end + 1
		}
	}
	return span{}, 0
}

func autolink(s string) bool {
	scheme, rest, ok := strings.Cut(s, ":")
	if ok && len(scheme) >= 2 && rest != "" && !strings.ContainsAny(s, " <\n") {
		return true
	}
	at := strings.IndexByte(s, '@')
	return at > 0 && strings.Contains(s[at:], ".") && !strings.ContainsAny(s, " <\n")
}

// entity decodes the named references prose might use, and numeric ones.
func entity(s string) (string, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 10 {
		return "", 0
	}
	name := s[1:end]
	if named, ok := map[string]string{"amp": "&", "lt": "<", "gt": ">", "quot": `"`, "apos": "'", "nbsp": "\u00a0"}[name]; ok {
		return named, end + 1
	}
	if strings.HasPrefix(name, "#") {
		base, digits := 10, name[1:]
		if strings.HasPrefix(digits, "x") || strings.HasPrefix(digits, "X") {
			base, digits = 16, digits[1:]
		}
		if n, err := strconv.ParseInt(digits, base, 32); err == nil && n > 0 {
			return string(rune(n)), end + 1
		}
	}
	return "", 0
}

// plainText is spans' text without styles, for a span styled as a whole.
func plainText(spans []span) string {
	var b strings.Builder
	for _, sp := range spans {
		if sp.style == spanBreak {
			b.WriteByte(' ')
			continue
		}
		b.WriteString(sp.text)
	}
	return b.String()
}
