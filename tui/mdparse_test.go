package tui

import (
	"strings"
	"testing"

	"github.com/cnilab/lab/engine"
)

func plainMD(src string, width int) string {
	return newMarkdown(NewStyles(false, true)).render(src, width)
}

// The inline cases lessons meet: snake_case and sysctl names keep their
// underscores, stars inside a word or around spaces stay stars, code spans
// keep what is inside them, escapes and entities read as the character.
func TestMarkdownInlineUnit(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"set net.ipv4.ip_forward = 1 and my_cni_demo", "set net.ipv4.ip_forward = 1 and my_cni_demo"},
		{"*em* and **strong** and _em_ and __strong__", "em and strong and em and strong"},
		{"2 * 3 * 4 and a*b*c", "2 * 3 * 4 and abc"},
		{"`ip -n client addr` then `` a ` b ``", "ip -n client addr then a ` b"},
		{"`**not bold**`", "**not bold**"},
		{`\*literal\* and \_x\_`, "*literal* and _x_"},
		{"a &amp; b &lt;c&gt; &#65;", "a & b <c> A"},
		{"[the man page](https://man7.org/x \"title\")", "the man page (https://man7.org/x)"},
		{"[https://x.org](https://x.org)", "https://x.org"},
		{"<https://example.org/y> and <a@b.org>", "https://example.org/y and a@b.org"},
		{"[not a link] and [x](", "[not a link] and [x]("},
		{"unclosed `code and **bold", "unclosed `code and **bold"},
		{"line one  \nline two\\\nline three\nsame line", "line one\n  line two\n  line three same line"},
	} {
		if got := plainMD(tc.src, 100); got != "  "+tc.want {
			t.Errorf("%q:\n got %q\nwant %q", tc.src, got, "  "+tc.want)
		}
	}
}

// The block cases: a fence of tildes, an unclosed fence, a loose list, an
// ordered list from 3, a heading with closing hashes, a quote holding a
// list, a paragraph a list interrupts.
func TestMarkdownBlocksUnit(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"~~~\n  keep  spaces\n~~~", "      keep  spaces"},
		{"```\nnever closed\nstill code", "    never closed\n    still code"},
		{"- a\n\n- b", "• a\n\n• b"},
		{"3. three\n4. four", "3. three\n4. four"},
		{"## Title ##\ntext", "Title\n\ntext"},
		{"> - in a quote\n> - two", "│ • in a quote\n│ • two"},
		{"a paragraph\n- then a list", "a paragraph\n\n• then a list"},
		{"a paragraph\n2. is not a list", "a paragraph 2. is not a list"},
		{"- item\n  continued\n\n  second paragraph", "• item continued\n\n  second paragraph"},
		{"***", "────────────────────────────────────────"},
	} {
		want := "  " + strings.ReplaceAll(tc.want, "\n", "\n  ")
		want = trimLines(want)
		if got := plainMD(tc.src, 100); got != want {
			t.Errorf("%q:\n got %q\nwant %q", tc.src, got, want)
		}
	}
}

// Every lesson's prose renders without markup left over (no ** or ` in
// running text), within the width, at a narrow and a wide terminal.
func TestMarkdownLessonsUnit(t *testing.T) {
	cat, err := engine.LoadCatalog("")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range cat.Lessons {
		for i, st := range l.Steps {
			for _, width := range []int{60, 120} {
				out := plainMD(st.Prose, width)
				for _, line := range strings.Split(out, "\n") {
					code := strings.HasPrefix(line, "      ")
					if !code && (strings.Contains(line, "**") || strings.Contains(line, "`")) {
						t.Errorf("%s step %d at %d: markup left in %q", l.ID, i+1, width, line)
					}
					if w := len([]rune(line)); w > width {
						t.Errorf("%s step %d: line %q is %d wide, want at most %d", l.ID, i+1, line, w, width)
					}
				}
			}
		}
	}
}

// Whatever the input, the reader does not panic and renders within the
// width (a lesson file from an instructor's --lessons dir is outside input).
func TestMarkdownOddInputUnit(t *testing.T) {
	for _, src := range []string{"", "\n\n", "*", "**", "`", "[", "[]()", "<", "&", "&#;", "&#x110000000;", "- ", "1.", "1. ",
		">", "> >", "#", "####### seven", "```", "\t\tcode", "- - - -", "* * *", "_a_b_", "**a*b**", "[a[b]c](d)", "\\", "a\\",
		strings.Repeat("x", 300), strings.Repeat("- a\n  - b\n", 30)} {
		for _, width := range []int{1, 30} {
			out := plainMD(src, width)
			for _, line := range strings.Split(out, "\n") {
				if len([]rune(line)) > max(width, 20) {
					t.Errorf("%q at %d: line %q too wide", src, width, line)
				}
			}
		}
	}
}
