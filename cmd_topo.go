package main

import (
	"fmt"
	"os"

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
			if asJSON && asDot {
				return &exitError{code: 2, msg: "lab topo: give --json or --dot, not both"}
			}
			sess, err := a.session("topo", "")
			if err != nil {
				return err
			}
			defer sess.Close()
			if !sess.Exists() {
				return &exitError{code: 2, msg: fmt.Sprintf("scope %q is not set up: run `lab task LESSON%s` or `lab run LESSON%s` first", sess.ScopeName(), a.scopeFlag(), a.scopeFlag())}
			}
			snap, err := sess.Topology(nil)
			if err != nil {
				return err
			}
			switch {
			case asJSON:
				return printJSON(snap)
			case asDot:
				topo.WriteDot(os.Stdout, snap)
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
