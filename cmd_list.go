package main

import (
	"strconv"

	"github.com/cnilab/lab/engine"
	"github.com/spf13/cobra"
)

type listItem struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Steps   int    `json:"steps"`
	Done    bool   `json:"done"`
}

func (a *app) listCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "list",
		Short: "The lessons in teaching order: id, title, steps, done",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			entries, err := engine.Entries(a.lessons)
			if err != nil {
				return err
			}
			prog := engine.LoadProgress(engine.ProgressPath())
			items := []listItem{}
			for _, e := range entries {
				if e.Scenario() {
					continue // lab practice list lists them
				}
				items = append(items, listItem{ID: e.ID, Title: e.Title, Summary: e.Summary, Steps: e.Steps, Done: prog.IsDone(e.ID)})
			}
			if asJSON {
				return printJSON(items)
			}
			printList(items)
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print a JSON array")
	return c
}

func printList(items []listItem) {
	var rows [][]string
	var done []bool
	for _, it := range items {
		rows = append(rows, []string{it.ID, strconv.Itoa(it.Steps), it.Title})
		done = append(done, it.Done)
	}
	printDoneTable([]string{"LESSON", "STEPS", "TITLE"}, rows, done)
}
