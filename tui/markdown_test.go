package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

const mdSample = `# Routes

A **veth pair** is a *virtual cable*; see [the man page](https://man7.org/linux/man-pages/man4/veth.4.html)
or <https://example.org/x>. Type ` + "`ip link`" + ` to look.

    ip link add veth-client type veth peer name veth-server

` + "```" + `
ip netns exec client ping -c 1 10.0.0.12
` + "```" + `

1. first
2. second, long enough to wrap onto a second line under its own text
   - nested one
   - nested two

> a quote

---
`

// Every construct the lessons use renders in plain text: markers gone,
// code kept as typed and indented, lists with their bullets and a hanging
// indent, links with their address.
func TestMarkdownPlainUnit(t *testing.T) {
	md := newMarkdown(NewStyles(false, true))
	got := md.render(mdSample, 64)
	want := `  Routes

  A veth pair is a virtual cable; see the man page
  (https://man7.org/linux/man-pages/man4/veth.4.html) or
  https://example.org/x. Type ip link to look.

      ip link add veth-client type veth peer name veth-server

      ip netns exec client ping -c 1 10.0.0.12

  1. first
  2. second, long enough to wrap onto a second line under its
     own text
     • nested one
     • nested two

  │ a quote

  ────────────────────────────────────────`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// With colour, no line is wider than the width, styles reach the terminal,
// and stripping them gives the plain render.
func TestMarkdownColorUnit(t *testing.T) {
	plain := newMarkdown(NewStyles(false, true)).render(mdSample, 50)
	colored := newMarkdown(NewStyles(true, false)).render(mdSample, 50)
	if !strings.Contains(colored, "\x1b[") {
		t.Fatal("no ANSI styles in the coloured render")
	}
	if ansi.Strip(colored) != plain {
		t.Errorf("stripped colour render differs from plain:\n%s\n---\n%s", ansi.Strip(colored), plain)
	}
	for _, l := range strings.Split(colored, "\n") {
		if w := ansi.StringWidth(l); w > 50 {
			t.Errorf("line %q is %d wide, want at most 50", ansi.Strip(l), w)
		}
	}
}

// A code line longer than the width is broken, never left to overflow: at
// a space, the rest indented under it; a very narrow pane still renders.
func TestMarkdownNarrowUnit(t *testing.T) {
	md := newMarkdown(NewStyles(false, true))
	got := md.render("    ip netns exec client1 ip route add default via 172.30.0.1\n", 40)
	want := "      ip netns exec client1 ip route\n        add default via 172.30.0.1"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	long := "    ip netns exec client1 ip route add default via 172.30.0.1 dev client1-veth\n"
	for _, width := range []int{1, 20, 30} {
		for _, l := range strings.Split(md.render(long, width), "\n") {
			if w := ansi.StringWidth(l); w > max(width, 20) {
				t.Errorf("width %d: line %q is %d wide", width, l, w)
			}
		}
	}
}
