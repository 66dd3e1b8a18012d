package main

import (
	"github.com/spf13/cobra"

	"github.com/cnilab/lab/engine"
)

// The hidden commands of a rootless lab: its holder, and the second step
// of a command joining it.

func (a *app) usernsEnterCmd() *cobra.Command {
	return &cobra.Command{
		Use:                "userns-enter -- ARGS",
		Short:              "Run lab ARGS in the rootless lab's pid namespace (lab runs it through nsenter)",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && args[0] == "--" {
				args = args[1:]
			}
			return exitWith(engine.RootlessEnter(args))
		},
	}
}

func (a *app) usernsHoldCmd() *cobra.Command {
	var run bool
	c := &cobra.Command{
		Use:   "userns-hold DIR | --run -- ARGV",
		Short: "Hold a user's rootless lab (lab starts it, inside unshare); --run: a one-shot one around ARGV",
		Long: `Hidden: lab starts it. With --run, it sets the rootless lab's namespaces up, runs
ARGV in them as their root and ends with it: the tests run whole suites that way, as
an unprivileged user, under
  unshare --user --map-root-user --mount --net --pid --fork --kill-child --mount-proc --propagation private`,
		Hidden: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if run {
				if len(args) == 0 {
					return &exitError{code: 2, msg: "userns-hold --run: no command"}
				}
				return exitWith(engine.RootlessHoldRun(args))
			}
			if len(args) != 1 {
				return &exitError{code: 2, msg: "userns-hold DIR"}
			}
			return engine.RootlessHold(args[0])
		},
	}
	c.Flags().BoolVar(&run, "run", false, "run ARGV in a one-shot rootless lab and end with it")
	return c
}
