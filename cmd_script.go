package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func (a *app) scriptCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "script LESSON",
		Short: "Print the bash a learner would type for the lesson's steps",
		Long: `Print the commands of the lesson's steps as a bash script (iproute2, nft), for
"lab shell" after "lab task LESSON": piped into it, it passes "lab verify LESSON".
Each check follows as comments: the ping, curl, tcpdump or ip command that shows it.
  sudo lab task veth && sudo lab script veth | sudo lab shell && sudo lab verify veth`,
		Args: a.oneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			// script only prints: no root, no lock, nothing touched.
			sess, err := a.open("")
			if err != nil {
				return err
			}
			defer sess.Close()
			l, err := sess.Lesson(args[0])
			if err != nil {
				return err
			}
			if l.Scenario() {
				return &exitError{code: 2, msg: fmt.Sprintf("%s is a break-fix scenario: find the fault yourself; lab hint %s helps, and lab solution %s shows the fix after a failed verify", l.ID, l.ID, l.ID)}
			}
			sess.Script(os.Stdout, l)
			return nil
		},
	}
}
