package main

import (
	"fmt"

	"github.com/cnilab/lab/engine"
	"github.com/spf13/cobra"
)

func (a *app) progressCmd() *cobra.Command {
	var asJSON, reset bool
	c := &cobra.Command{
		Use:   "progress [--reset] [--json]",
		Short: "What you have passed, the hints and solutions you used, your exam scores",
		Long: `Summarise the progress file: lessons and scenarios verified once (in the default
scope), hints and solutions shown, and exam scores. Under sudo it is the file of the
user who ran sudo. --reset clears it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p := engine.LoadProgress(engine.ProgressPath())
			if reset {
				if err := p.Clear(); err != nil {
					return err
				}
				fmt.Println("progress cleared: " + engine.ProgressPath())
				return nil
			}
			if asJSON {
				return printJSON(p)
			}
			entries, err := engine.Entries(a.lessons)
			if err != nil {
				return err
			}
			var lessons, scenarios, lessonsDone, scenariosDone int
			for _, e := range entries {
				if e.Scenario() {
					scenarios++
					if p.IsDone(e.ID) {
						scenariosDone++
					}
				} else {
					lessons++
					if p.IsDone(e.ID) {
						lessonsDone++
					}
				}
			}
			fmt.Printf("lessons passed    %d of %d\n", lessonsDone, lessons)
			fmt.Printf("scenarios fixed   %d of %d\n", scenariosDone, scenarios)
			fmt.Printf("hints shown       %d\n", total(p.Hints))
			fmt.Printf("solutions shown   %d\n", total(p.Solutions))
			for _, e := range p.Exams {
				late := ""
				if e.Late {
					late = " (late)"
				}
				fmt.Printf("exam %s  %5.1f%%  %v%s\n", e.Graded.Local().Format("2006-01-02 15:04"), e.Score, e.Tasks, late)
			}
			fmt.Println("file: " + engine.ProgressPath())
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the progress file's JSON")
	c.Flags().BoolVar(&reset, "reset", false, "clear the progress")
	return c
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
