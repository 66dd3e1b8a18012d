package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/tui"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// scenarioItem is one line of `lab practice list --json`.
type scenarioItem struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Symptom string `json:"symptom"`
	Base    string `json:"base"`
	Done    bool   `json:"done"`
}

func (a *app) practiceCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "practice [ID]",
		Short: "Practise lessons and break-fix scenarios, with live checks (the TUI)",
		Long: `Open the practice TUI: the lessons to build and the break-fix scenarios to mend,
with a mark on those done (/ filters, enter opens). Opening one sets it up as
lab task does and shows the task, the lab shell command to work in from another
terminal, and the end-state checks, which re-run by themselves as the kernel
changes. h shows one more hint, s the solution once a verify has failed, v
verifies, r starts over, esc goes back to the list. With ID, open that task.

A scenario sets up a lab with a realistic fault. Find it with the tools a node
has (ip, iptables, nft, tcpdump, lab capture) in lab shell, mend it, and the
checks turn green. Without the TUI: lab task ID, lab verify ID, lab hint ID and
lab solution ID do the same.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := ""
			if len(args) == 1 {
				id = args[0]
			}
			return a.practiceTUI(id)
		},
	}
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "The scenarios: id, title, symptom, the lesson they break, done",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			entries, err := engine.Entries(a.lessons)
			if err != nil {
				return err
			}
			prog := engine.LoadProgress(engine.ProgressPath())
			items := []scenarioItem{}
			for _, e := range entries {
				if e.Scenario() {
					items = append(items, scenarioItem{ID: e.ID, Title: e.Title, Symptom: e.Symptom, Base: e.Base, Done: prog.IsDone(e.ID)})
				}
			}
			if asJSON {
				return printJSON(items)
			}
			var rows [][]string
			var done []bool
			for _, it := range items {
				rows = append(rows, []string{it.ID, it.Base, it.Title})
				done = append(done, it.Done)
			}
			printDoneTable([]string{"SCENARIO", "BREAKS", "TITLE"}, rows, done)
			fmt.Println("\nStart one with: sudo lab task ID")
			return nil
		},
	}
	list.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	c.AddCommand(list)
	return c
}

// practiceTUI runs the practice TUI over a session that holds the scope's
// lock for its life, as the walkthrough's does.
func (a *app) practiceTUI(id string) error {
	if !term.IsTerminal(int(os.Stdout.Fd())) || !term.IsTerminal(int(os.Stdin.Fd())) {
		return &exitError{code: 2, msg: "lab practice needs a terminal; without one, use lab task ID and lab verify ID"}
	}
	sess, err := a.session("practice", strings.TrimSpace("lab practice "+id))
	if err != nil {
		return err
	}
	defer sess.Close()
	// The whole catalog is read before the screen takes over, so a broken
	// lesson file is an error on the terminal, not an empty list.
	if _, err := sess.Catalog(); err != nil {
		return err
	}
	opt := tui.Options{Practice: true}
	if id != "" {
		if opt.Lesson, err = sess.Lesson(id); err != nil {
			return err
		}
	}
	return tui.Run(sess, opt)
}

func (a *app) hintCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "hint ID",
		Short: "The next hint for the task in place (one more each time)",
		Long: `Print the next hint for the task the scope holds: a scenario's hints go from
where to look to what is wrong; a lesson's are the hints of its failed checks.
Each lab task starts the hints over.`,
		Args: a.oneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			sess, l, err := a.sessionFor("hint", args[0], false)
			if err != nil {
				return err
			}
			defer sess.Close()
			hint, n, all, err := sess.Hint(l)
			if err != nil {
				return err
			}
			if all == 0 {
				fmt.Println(hint)
				return nil
			}
			fmt.Printf("hint %d of %d: %s\n", n, all, hint)
			return nil
		},
	}
}

func (a *app) solutionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "solution ID",
		Short: "A scenario's fix as bash, once a verify has failed",
		Long: `Print the fix of the scenario the scope holds, as bash for lab shell
(sudo lab solution ID | sudo lab shell). It is shown only after at least one
lab verify ID failed: try first. Exit 1 before that.`,
		Args: a.oneLesson,
		RunE: func(cmd *cobra.Command, args []string) error {
			sess, l, err := a.sessionFor("solution", args[0], false)
			if err != nil {
				return err
			}
			defer sess.Close()
			sol, err := sess.Solution(l)
			if errors.Is(err, engine.ErrNoAttempt) {
				return &exitError{code: 1, msg: err.Error()}
			}
			if err != nil {
				return err
			}
			fmt.Print(sol)
			return nil
		},
	}
}
