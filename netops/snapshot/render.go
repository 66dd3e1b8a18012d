package snapshot

import (
	"fmt"
	"io"
)

// ANSI escapes; kept to the three any terminal understands.
const (
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiReset = "\x1b[0m"
)

// Render prints the diff grouped by namespace: the namespace name, then one
// indented "+ line" or "- line" per change. With color, the name is bold,
// additions green and removals red. An empty diff prints nothing, so a step
// that changed nothing stays quiet. Write errors are ignored: this is
// display output, like fmt.Println.
func (d Diff) Render(w io.Writer, color bool) {
	// Group by first appearance, so a hand-built Diff with interleaved
	// namespaces still prints each namespace once.
	var order []string
	groups := map[string][]Change{}
	for _, c := range d.Changes {
		if _, seen := groups[c.Netns]; !seen {
			order = append(order, c.Netns)
		}
		groups[c.Netns] = append(groups[c.Netns], c)
	}
	for _, name := range order {
		header(w, name, color)
		for _, c := range groups[name] {
			text := string(c.Sign) + " " + c.Line
			switch {
			case color && c.Sign == '+':
				fmt.Fprintf(w, "  %s%s%s\n", ansiGreen, text, ansiReset)
			case color && c.Sign == '-':
				fmt.Fprintf(w, "  %s%s%s\n", ansiRed, text, ansiReset)
			default:
				fmt.Fprintf(w, "  %s\n", text)
			}
		}
	}
}

// Render prints the whole namespace: its name, then its links, addresses,
// routes, neighbours, sysctls, nftables rules, fdb and conntrack entries,
// one indented line each, in the shapes of the diff.
func (n Netns) Render(w io.Writer) {
	header(w, n.Name, false)
	for _, l := range n.Links {
		fmt.Fprintf(w, "  %s\n", l.Line())
	}
	for _, a := range n.Addrs {
		fmt.Fprintf(w, "  %s\n", a.Line())
	}
	for _, r := range n.Routes {
		fmt.Fprintf(w, "  %s\n", r.Line())
	}
	for _, nb := range n.Neighs {
		fmt.Fprintf(w, "  %s\n", nb.Line())
	}
	for _, s := range n.Sysctls {
		fmt.Fprintf(w, "  %s\n", s.Line())
	}
	for _, r := range n.Rules {
		fmt.Fprintf(w, "  %s\n", r)
	}
	for _, f := range n.FDB {
		fmt.Fprintf(w, "  %s\n", f.Line())
	}
	for _, c := range n.Conntrack {
		fmt.Fprintf(w, "  %s\n", c)
	}
}

func header(w io.Writer, name string, color bool) {
	if color {
		fmt.Fprintf(w, "%s%s%s\n", ansiBold, name, ansiReset)
		return
	}
	fmt.Fprintln(w, name)
}
