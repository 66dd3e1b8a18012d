package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

func (a *app) taskCmd() *cobra.Command {
	var envOnly bool
	var seed int64
	var varsFile string
	var podsPerNode int
	c := &cobra.Command{
		Use:   "task LESSON",
		Short: "Set up a lesson's given state and print the exercise",
		Long: `Set up the lesson's given infrastructure (a fresh stage: whatever the scope held is
reset first) and print the exercise. Build it by hand in "lab shell", then "lab verify".
With --env, print only shell assignments of the values the task names, for eval; the
stage is set up only when the scope does not hold this lesson yet.
With --seed N, a scenario's addresses and names (which namespace is broken) are drawn
from N instead of the canonical ones: the same N, the same values; --env prints them.`,
		Args: a.oneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			sess, l, err := a.sessionFor("task", args[0], true)
			if err != nil {
				return err
			}
			defer sess.Close()
			if err := useVars(sess, varsFile); err != nil {
				return err
			}
			if err := sess.UsePodsPerNode(podsPerNode); err != nil {
				return &exitError{code: 2, msg: err.Error()}
			}
			held := sess.Holds(l) && l.Seed == seed
			if l, err = l.Varied(seed); err != nil {
				return err
			}
			if !envOnly || !held {
				if _, err := sess.Setup(cmd.Context(), l, nil); err != nil {
					return err
				}
			}
			if envOnly {
				for _, kv := range sess.Env(l) {
					fmt.Printf("%s=%s\n", kv[0], shellQuote(kv[1]))
				}
				return nil
			}
			flag := a.scopeFlag()
			fmt.Printf("Task %s: %s\n\n", l.ID, l.Title)
			if l.Scenario() {
				fmt.Printf("Symptom: %s\n\n", strings.TrimSpace(sess.Text(l, l.Symptom)))
			}
			fmt.Printf("%s\n", strings.TrimSpace(sess.Text(l, l.Task)))
			if l.Seed != 0 {
				fmt.Printf("\nValues drawn with seed %d: lab task %s --seed %d --env%s lists them.\n", l.Seed, l.ID, l.Seed, flag)
			}
			fmt.Printf("\nThe stage is set in scope %s. Work in: sudo lab shell%s\nCheck your work: sudo lab verify %s%s\n", sess.ScopeName(), flag, l.ID, flag)
			if l.Scenario() {
				fmt.Printf("Stuck? sudo lab hint %s%s (one more each time); after a failed verify: sudo lab solution %s%s\n", l.ID, flag, l.ID, flag)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&envOnly, "env", false, "print only KEY=VALUE lines for eval")
	c.Flags().Int64Var(&seed, "seed", 0, "draw a scenario's addresses and names from this seed (0: the canonical ones)")
	c.Flags().StringVar(&varsFile, "vars", "", "a cluster lesson's nodes: a vars.yaml of article 000's shape (default: the article's three nodes)")
	c.Flags().IntVar(&podsPerNode, "pods-per-node", 0, "a cluster lesson's pods on each node (default: the lesson's own)")
	return c
}

// shellQuote quotes a value for bash when it needs it.
func shellQuote(v string) string {
	if v != "" && strings.IndexFunc(v, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("./:_-,=@", r))
	}) < 0 {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}
