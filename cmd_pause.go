package main

import (
	"github.com/cnilab/lab/engine"
	"github.com/spf13/cobra"
)

func (a *app) pauseCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "pause",
		Short:  "Hold the current network namespace, like a pod's pause container",
		Hidden: true, // lessons start it; a learner can run it with unshare --net
		Args:   cobra.NoArgs,
		RunE:   func(cmd *cobra.Command, args []string) error { return engine.Pause() },
	}
}
