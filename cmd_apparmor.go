package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/cnilab/lab/engine"
)

func (a *app) apparmorCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "apparmor-profile",
		Short: "Print the AppArmor profile a rootless lab needs on Ubuntu",
		Long: `Ubuntu 23.10 and later let only programs with an AppArmor profile that allows it
make user namespaces (kernel.apparmor_restrict_unprivileged_userns=1), and a rootless
lab lives in one. This prints that profile for this lab binary; install it with

  lab apparmor-profile | sudo tee /etc/apparmor.d/cnilab
  sudo apparmor_parser -r /etc/apparmor.d/cnilab`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			self, err := os.Executable()
			if err != nil {
				return err
			}
			fmt.Print(engine.AppArmorProfile(self))
			return nil
		},
	}
}
