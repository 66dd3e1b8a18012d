package main

import (
	"github.com/spf13/cobra"

	"github.com/cnilab/lab/engine"
)

func (a *app) ctrdHoldCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "ctrd-hold DIR",
		Short:  "Run a scope's containerd in a mount namespace of its own (lab starts it)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE:   func(cmd *cobra.Command, args []string) error { return engine.CtrdHold(args[0]) },
	}
}
