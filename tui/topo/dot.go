package topo

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/cnilab/lab/netops/snapshot"
)

// WriteDot renders a snapshot as a Graphviz graph: a cluster per namespace,
// a node per link (with its addresses), an edge per veth pair and per port.
func WriteDot(w io.Writer, snap snapshot.Snapshot) {
	id := func(netns, link string) string { return fmt.Sprintf("%q", netns+"/"+link) }
	fmt.Fprintln(w, "graph lab {\n  rankdir=LR; node [shape=box, fontname=monospace];")
	var edges []string
	for i, n := range snap.Namespaces {
		fmt.Fprintf(w, "  subgraph cluster_%d {\n    label=%q;\n", i, n.Name)
		for _, l := range n.Links {
			if l.Name == "lo" {
				continue
			}
			label := l.Name
			if addrs := n.AddrsOf(l.Name); len(addrs) > 0 {
				label += "\\n" + strings.Join(addrs, "\\n")
			}
			fmt.Fprintf(w, "    %s [label=\"%s\"];\n", id(n.Name, l.Name), label)
			if l.Master != "" {
				edges = append(edges, fmt.Sprintf("  %s -- %s [style=dashed];", id(n.Name, l.Name), id(n.Name, l.Master)))
			}
			if l.Kind == "veth" && l.Peer != "" {
				peerNS := l.PeerNetns
				if peerNS == "" {
					peerNS = n.Name
				}
				a, b := id(n.Name, l.Name), id(peerNS, l.Peer)
				if a < b { // each pair once
					edges = append(edges, fmt.Sprintf("  %s -- %s [penwidth=2];", a, b))
				}
			}
		}
		fmt.Fprintln(w, "  }")
	}
	sort.Strings(edges)
	for _, e := range edges {
		fmt.Fprintln(w, e)
	}
	fmt.Fprintln(w, "}")
}
