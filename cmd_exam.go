package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/cnilab/lab/engine"
	"github.com/spf13/cobra"
)

// examPrefix names the exam's scopes: exam1, exam2, ... in the default
// scope, SCOPE1, SCOPE2, ... under --scope.
func (a *app) examPrefix() string {
	if a.scope == engine.DefaultScope {
		return "exam"
	}
	return a.scope
}

func (a *app) examCmd() *cobra.Command {
	var tasks []string
	var random, minutes int
	var seed int64
	c := &cobra.Command{
		Use:   "exam [--tasks a,b | --random N] [--minutes 30] [--seed N]",
		Short: "Several tasks at once, each in a scope of its own, graded under a clock",
		Long: `Set up an exam: each task (a lesson or a break-fix scenario) in a scope of its own
(exam1, exam2, ...), the questions printed with their weights and a deadline. Work in
lab shell --scope examN; lab exam status shows the time left, lab exam grade scores
every task from the live state (checks passed over all checks, weighted: a scenario
counts twice), and lab exam end resets it all.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requirePrivileges("lab exam"); err != nil {
				return err
			}
			if (len(tasks) == 0) == (random == 0) {
				return &exitError{code: 2, msg: "lab exam: give --tasks a,b,c or --random N"}
			}
			if minutes <= 0 {
				return &exitError{code: 2, msg: "lab exam: --minutes must be positive"}
			}
			e, err := engine.StartExam(engine.ExamOptions{Lessons: a.lessons, Prefix: a.examPrefix(), Tasks: tasks,
				Random: random, Minutes: time.Duration(minutes) * time.Minute, Seed: seed})
			if err != nil {
				return err
			}
			printExam(e)
			return nil
		},
	}
	c.Flags().StringSliceVar(&tasks, "tasks", nil, "the tasks, by id, in order")
	c.Flags().IntVar(&random, "random", 0, "draw this many tasks")
	c.Flags().IntVar(&minutes, "minutes", 30, "the time allowed")
	c.Flags().Int64Var(&seed, "seed", 0, "the draw of --random and each task's values (the same seed, the same exam; 0: canonical values)")
	c.AddCommand(a.examStatusCmd(), a.examGradeCmd(), a.examEndCmd())
	return c
}

func printExam(e *engine.Exam) {
	fmt.Printf("Exam: %d tasks, until %s (%s).\n", len(e.Tasks), e.Deadline.Local().Format("15:04:05"), e.Deadline.Sub(e.Started).Round(time.Minute))
	for i, t := range e.Tasks {
		fmt.Printf("\nTask %d (%s, weight %d), in: sudo lab shell --scope %s\n\n", i+1, t.ID, t.Weight, t.Scope)
		for _, line := range strings.Split(t.Question, "\n") {
			fmt.Println("  " + line)
		}
	}
	fmt.Println("\nTime left: sudo lab exam status. Score it: sudo lab exam grade. Remove it: sudo lab exam end.")
}

func (a *app) examStatusCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "status",
		Short: "Time left, and each task with its scope",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			e, err := engine.LoadExam(a.examPrefix())
			if errors.Is(err, engine.ErrNoExam) {
				return &exitError{code: 2, msg: err.Error()}
			}
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(os.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(struct {
					Deadline time.Time         `json:"deadline"`
					Tasks    []engine.ExamTask `json:"tasks"`
				}{e.Deadline, e.Tasks})
			}
			left := time.Until(e.Deadline).Round(time.Second)
			if left < 0 {
				fmt.Printf("Time is up (%s ago); grading now is marked late.\n", -left)
			} else {
				fmt.Printf("Time left: %s (until %s).\n", left, e.Deadline.Local().Format("15:04:05"))
			}
			for i, t := range e.Tasks {
				fmt.Printf("  task %d  %-20s weight %d  scope %s\n", i+1, t.ID, t.Weight, t.Scope)
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, `print {"deadline","tasks":[{"id","scope","question","weight"}]}`)
	return c
}

func (a *app) examGradeCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "grade",
		Short: "Score every task from its live state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requirePrivileges("lab exam grade"); err != nil {
				return err
			}
			g, err := engine.GradeExam(a.lessons, a.examPrefix())
			if errors.Is(err, engine.ErrNoExam) {
				return &exitError{code: 2, msg: err.Error()}
			}
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(g)
			}
			p := newPrinter(os.Stdout, 0)
			for i, t := range g.Tasks {
				passed := 0
				for _, c := range t.Checks {
					if c.Passed {
						passed++
					}
				}
				fmt.Printf("\nTask %d %s (scope %s, weight %d): %d of %d checks\n", i+1, t.ID, t.Scope, t.Weight, passed, len(t.Checks))
				for _, c := range t.Checks {
					p.check(c)
				}
			}
			late := ""
			if g.Late {
				late = " (late: graded after the deadline)"
			}
			fmt.Printf("\nScore: %.1f%%%s\n", g.Score, late)
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, `print {"score","tasks":[...],"started","graded","late"}`)
	return c
}

func (a *app) examEndCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "end",
		Short: "Reset every scope of the exam",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requirePrivileges("lab exam end"); err != nil {
				return err
			}
			removed, err := engine.EndExam(a.examPrefix())
			if errors.Is(err, engine.ErrNoExam) {
				return &exitError{code: 2, msg: err.Error()}
			}
			if err != nil {
				return err
			}
			fmt.Printf("exam ended: removed %d objects\n", len(removed))
			return nil
		},
	}
}
