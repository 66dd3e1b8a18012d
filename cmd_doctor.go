package main

import (
	"fmt"
	"os"

	"github.com/cnilab/lab/engine"
	"github.com/spf13/cobra"
)

func (a *app) doctorCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "doctor",
		Short: "What this machine has and lacks, each with the fix",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Not root: the checks run in the user's rootless lab, where
			// user namespaces are allowed; where not, doctor says why.
			if os.Geteuid() != 0 && !engine.RootlessInside() && len(engine.RootlessFindings()) == 0 {
				if err := requirePrivileges("lab doctor"); err != nil {
					return err
				}
			}
			fs := engine.Doctor(engine.Options{Scope: a.scope, Lessons: a.lessons}, missingCaps())
			ok := true
			for _, f := range fs {
				ok = ok && (f.OK || !f.Required)
			}
			if asJSON {
				printJSON(map[string]any{"ok": ok, "findings": fs})
			} else {
				p := newPrinter(os.Stdout, 0)
				for _, f := range fs {
					mark := p.paint("32", "✓")
					if !f.OK {
						mark = p.paint(map[bool]string{true: "31", false: "33"}[f.Required], map[bool]string{true: "✗", false: "!"}[f.Required])
					}
					line := fmt.Sprintf("%s %s", mark, f.What)
					if f.Detail != "" {
						line += ": " + f.Detail
					}
					fmt.Println(line)
					if !f.OK && f.Fix != "" {
						fmt.Println("    fix: " + f.Fix)
					}
				}
			}
			if !ok {
				return checksFailed
			}
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return c
}
