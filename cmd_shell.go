package main

import (
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func (a *app) shellCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "shell [NETNS] [-- COMMAND...]",
		Short: "A shell inside the lab's host (or inside NETNS)",
		Long: `Open a shell in the lab's host namespace (or in NETNS, a lesson namespace such as
client), entering only the network namespace, as nsenter --net does: your own
"ip netns add" works there as on a real host. With a command after --, run it
there instead. Without a terminal, the shell reads commands from stdin:
  sudo lab script veth | sudo lab shell`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			target, rest := "", args
			if dash := cmd.ArgsLenAtDash(); dash >= 0 {
				if dash > 1 {
					return &exitError{code: 2, msg: "lab shell takes at most one namespace before --"}
				}
				if dash == 1 {
					target = args[0]
				}
				rest = args[dash:]
			} else if len(args) == 1 {
				target, rest = args[0], nil
			} else if len(args) > 1 {
				return &exitError{code: 2, msg: "lab shell: put the command after --, as in: lab shell client -- ip addr"}
			}
			sess, err := a.session("shell", "")
			if err != nil {
				return err
			}
			defer sess.Close()
			return sess.Shell(target, rest, term.IsTerminal(int(os.Stdin.Fd())))
		},
	}
}
