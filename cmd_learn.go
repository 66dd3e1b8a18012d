package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cnilab/lab/tui"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func (a *app) learnCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "learn LESSON",
		Short: "The walkthrough of one lesson (the TUI)",
		Long: `Open the walkthrough at LESSON: each step shows its prose; n applies it and shows
the equivalent commands, the diff of links, addresses and routes, and the checks.
p goes back, v verifies, t draws the topology from the kernel, ? lists every key.`,
		Args: a.oneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.tui("learn", args[0], false, 0)
		},
	}
}

func (a *app) demoCmd() *cobra.Command {
	var pace time.Duration
	c := &cobra.Command{
		Use:   "demo LESSON [--pace 3s]",
		Short: "Play a lesson by itself, for a projector (space pauses)",
		Args:  a.oneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			if pace < 200*time.Millisecond {
				return &exitError{code: 2, msg: fmt.Sprintf("--pace %s is too fast to follow; give 200ms or more", pace)}
			}
			return a.tui("demo", args[0], true, pace)
		},
	}
	c.Flags().DurationVar(&pace, "pace", 3*time.Second, "time between steps")
	return c
}

// walkthrough is `lab` with no command: the lesson picker, then the lesson.
func (a *app) walkthrough(cmd *cobra.Command, args []string) error {
	return a.tui("", "", false, 0)
}

// tui opens a session on the scope and runs the TUI over it.
func (a *app) tui(verb, id string, demo bool, pace time.Duration) error {
	if !term.IsTerminal(int(os.Stdout.Fd())) || !term.IsTerminal(int(os.Stdin.Fd())) {
		return &exitError{code: 2, msg: "the walkthrough needs a terminal; without one, use lab run LESSON"}
	}
	sess, err := a.session(verb, strings.TrimSpace("lab "+verb+" "+id))
	if err != nil {
		return err
	}
	defer sess.Close()
	// The lesson files are read before the screen takes over, so a broken
	// one is an error on the terminal, not an empty picker: the whole
	// catalog for the picker, one lesson for the walkthrough of one.
	opt := tui.Options{Demo: demo, Pace: pace}
	if id != "" {
		if opt.Lesson, err = sess.Lesson(id); err != nil {
			return err
		}
	} else if _, err := sess.Catalog(); err != nil {
		return err
	}
	return tui.Run(sess, opt)
}
