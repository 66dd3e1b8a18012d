package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) inventoryCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "inventory",
		Short: "An Ansible inventory of the cluster nodes (nsenter connection)",
		Long: `Print an Ansible inventory of the scope's cluster nodes (lab task nodes): one host
per node, reached with community.docker's nsenter connection into the node's own
hostname, mounts and network. Article 000's play then runs against them:
  sudo ansible-playbook -i <(sudo lab inventory) playbook.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			sess, err := a.session("inventory", "")
			if err != nil {
				return err
			}
			defer sess.Close()
			inv, err := sess.Inventory()
			if err != nil {
				return err
			}
			fmt.Print(inv)
			return nil
		},
	}
}
