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
			code, err := engine.RootlessEnter(args)
			if err != nil {
				return &exitError{code: code, msg: err.Error()}
			}
			if code != 0 {
				return &exitError{code: code}
			}
			return nil
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
				code, err := engine.RootlessHoldRun(args)
				if err != nil {
					return &exitError{code: code, msg: err.Error()}
				}
				if code != 0 {
					return &exitError{code: code}
				}
				return nil
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
