package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) resetCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "reset",
		Short: "Remove everything the lab created in this scope",
		Long: `Remove everything the lab created or claimed in this scope (namespaces, links,
nftables tables, the state directory), newest first. Objects lab did not make are
never touched. Running it twice is harmless.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			sess, err := a.session("reset", "lab reset")
			if err != nil {
				return err
			}
			defer sess.Close()
			removed, err := sess.Reset()
			for _, r := range removed {
				fmt.Println("removed " + r)
			}
			if err != nil {
				return err
			}
			if len(removed) == 0 {
				fmt.Printf("scope %s: nothing to remove\n", sess.ScopeName())
			}
			return nil
		},
	}
}
