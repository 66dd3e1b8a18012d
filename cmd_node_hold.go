package main

import (
	"github.com/cnilab/lab/engine"
	"github.com/spf13/cobra"
)

func (a *app) nodeHoldCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "node-hold NAME DIR",
		Short:  "Hold a node's own mount and UTS namespaces (lab starts it for each node)",
		Hidden: true, // the cluster lessons start it, one per node
		Args:   cobra.ExactArgs(2),
		RunE:   func(cmd *cobra.Command, args []string) error { return engine.NodeHold(args[0], args[1]) },
	}
}
