package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/cnilab/lab/engine"
	"github.com/spf13/cobra"
)

func (a *app) runCmd() *cobra.Command {
	var asJSON bool
	var varsFile string
	var podsPerNode int
	var cleanup bool
	c := &cobra.Command{
		Use:   "run LESSON",
		Short: "Set up a lesson and apply every step: commands, diffs and checks",
		Long: `Set up the lesson and apply every step (the reference solution), printing per step
its title, the equivalent commands, the diff of links, addresses and routes, and each
check. The result stays in place to explore (lab shell) until lab reset.
Exit status: 0 every check passed, 1 a check failed, 2 the lesson could not run.`,
		Args: a.oneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			sess, l, err := a.sessionFor("run", args[0], true)
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
			start := time.Now()
			rep := engine.NewRunReport(l.ID, sess.ScopeName())
			total := len(l.Steps)
			if cleanup {
				if len(l.Cleanup) == 0 {
					return &exitError{code: 2, msg: fmt.Sprintf("lesson %s has no cleanup steps", l.ID)}
				}
				total += len(l.Cleanup)
			}
			p := newPrinter(os.Stdout, total)
			sink := p.event
			if asJSON {
				sink = rep.Add
			} else {
				fmt.Printf("%s — %s (scope %s)\n", p.paint("1", l.ID), l.Title, sess.ScopeName())
			}
			// SIGINT and SIGTERM end the run between steps, never inside one.
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			if removed, err := sess.Setup(ctx, l, sink); err != nil {
				return err
			} else if len(removed) > 0 && !asJSON {
				fmt.Printf("reset scope %s first: removed %d objects\n", sess.ScopeName(), len(removed))
			}
			// A step whose operation failed was reported as an event (and in
			// the JSON report); the lesson could not run to its end.
			ok, err := sess.Steps(ctx, l, sink)
			if cleanup && err == nil {
				// The article's cleanup, after the end state it tore down.
				var cleaned bool
				cleaned, err = sess.Cleanup(ctx, l, sink)
				ok = ok && cleaned
			}
			var stopped engine.ErrInterrupted
			if errors.As(err, &stopped) {
				return &exitError{code: 2, msg: stopped.Error()}
			}
			rep.Passed = ok && err == nil
			if asJSON {
				printJSON(rep)
			} else {
				summary(p, ok, err, time.Since(start), a.scopeFlag())
			}
			switch {
			case err != nil:
				return &exitError{code: 2, msg: "the lesson could not run to its end: " + err.Error()}
			case !ok:
				return checksFailed
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object instead of text")
	c.Flags().StringVar(&varsFile, "vars", "", "a cluster lesson's nodes: a vars.yaml of article 000's shape (default: the article's three nodes)")
	c.Flags().BoolVar(&cleanup, "cleanup", false, "then run the lesson's cleanup steps (an article's cleanup script), which take the end state apart")
	c.Flags().IntVar(&podsPerNode, "pods-per-node", 0, "a cluster lesson's pods on each node (default: the lesson's own)")
	return c
}

func summary(p *printer, ok bool, stepErr error, took time.Duration, flag string) {
	if stepErr != nil {
		fmt.Fprintf(p.w, "\n%s stopped after %s: %v. What was applied stays: `lab shell%s`; `lab reset%s` removes it.\n",
			p.paint("31", "✗"), took.Round(time.Millisecond), stepErr, flag, flag)
		return
	}
	if ok {
		fmt.Fprintf(p.w, "\n%s all %d checks passed in %s. Explore with `lab shell%s`; remove it all with `lab reset%s`.\n",
			p.paint("32", "✓"), p.checks, took.Round(time.Millisecond), flag, flag)
		return
	}
	fmt.Fprintf(p.w, "\n%s %d of %d checks failed (%s). The state stays for you to look at: `lab shell%s`; `lab reset%s` removes it.\n",
		p.paint("31", "✗"), p.failed, p.checks, took.Round(time.Millisecond), flag, flag)
}
