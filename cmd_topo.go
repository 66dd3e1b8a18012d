package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/cnilab/lab/netops/snapshot"
	"github.com/cnilab/lab/tui/topo"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func (a *app) topoCmd() *cobra.Command {
	var asJSON, asDot bool
	c := &cobra.Command{
		Use:   "topo [--dot|--json]",
		Short: "The live topology of the lab, read from the kernel",
		Long: `Draw the scope's namespaces as boxes, veth pairs as cables, bridges with their
ports and the addresses on each end, from the kernel's state (not from the lesson).
--json prints the snapshot; --dot a Graphviz graph (lab topo --dot | dot -Tsvg > lab.svg).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requirePrivileges("topo"); err != nil {
				return err
			}
			if asJSON && asDot {
				return &exitError{code: 2, msg: "lab topo: give --json or --dot, not both"}
			}
			s, err := a.scopeOf()
			if err != nil {
				return err
			}
			if !s.Exists() {
				return &exitError{code: 2, msg: fmt.Sprintf("scope %q is not set up: run `lab task LESSON` or `lab run LESSON` first", s.Name)}
			}
			names, err := s.Namespaces()
			if err != nil {
				return err
			}
			snap, err := snapshot.TakeAll(s.LessonFirst(names))
			if err != nil {
				return err
			}
			switch {
			case asJSON:
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(snap)
			case asDot:
				writeDot(os.Stdout, snap)
				return nil
			}
			width := 100
			if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
				width = w
			}
			fmt.Println(topo.Render(snap, width))
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the snapshot as JSON")
	c.Flags().BoolVar(&asDot, "dot", false, "print a Graphviz graph")
	return c
}

// writeDot renders a snapshot as a Graphviz graph: a cluster per namespace,
// a node per link (with its addresses), an edge per veth pair and per port.
func writeDot(w io.Writer, snap snapshot.Snapshot) {
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
