package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func (a *app) verifyCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "verify LESSON",
		Short: "Grade the live state against the lesson's goal, with hints",
		Long: `Grade the live state against the lesson's goal, however it was built (ip or
netlink, iptables or nft). Exit status: 0 all passed, 1 some failed, 2 could not check.`,
		Args: a.oneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			// verify only reads: it takes no lock, so it can grade a lab
			// while the walkthrough holds it.
			sess, l, err := a.sessionFor("verify", args[0], false)
			if err != nil {
				return err
			}
			defer sess.Close()
			rep, err := sess.Verify(l)
			if err != nil {
				return err
			}
			if asJSON {
				printJSON(rep)
			} else {
				p := newPrinter(os.Stdout, 0)
				fmt.Printf("verify %s (scope %s)\n", l.ID, sess.ScopeName())
				for _, c := range rep.Checks {
					p.check(c)
				}
				if rep.Passed {
					fmt.Printf("%s all %d checks passed\n", p.paint("32", "✓"), p.checks)
				} else {
					fmt.Printf("%s %d of %d checks failed\n", p.paint("31", "✗"), p.failed, p.checks)
				}
			}
			if !rep.Passed {
				return checksFailed
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, `print one JSON object: {"lesson","passed","checks":[...]}`)
	return c
}
