package main

import (
	"fmt"
	"maps"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/cnilab/lab/engine"
)

func (a *app) stopCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "stop",
		Short: "End your rootless lab: reset every scope, then its holder",
		Long: `Run as a user who is not root, lab keeps that user's labs in a user namespace of
their own, held by a process every command joins. lab stop resets every scope in it
(as lab reset --scope S would each) and ends that process; the kernel frees what is
left with it. The holder also ends by itself once no scope remains.

Run as root, lab keeps no holder: there is nothing to stop.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if engine.RootlessInside() {
				removed, err := engine.ResetAll()
				scopes := slices.Sorted(maps.Keys(removed))
				for _, scope := range scopes {
					for _, r := range removed[scope] {
						fmt.Printf("scope %s: removed %s\n", scope, r)
					}
				}
				return err
			}
			if os.Geteuid() == 0 {
				fmt.Println("nothing to stop: run as root, lab keeps no rootless holder (lab reset removes a scope)")
				return nil
			}
			running, err := engine.RootlessStop(os.Args[1:])
			if err != nil {
				return &exitError{code: 2, msg: err.Error()}
			}
			if !running {
				fmt.Println("no rootless lab is running")
				return nil
			}
			fmt.Println("stopped the rootless lab")
			return nil
		},
	}
}
