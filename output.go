package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
)

// printJSON is every --json: one indented value on stdout.
func printJSON(v any) error {
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printDoneTable prints a table whose rows start with a ✓ when done.
func printDoneTable(header []string, rows [][]string, done []bool) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  \t"+strings.Join(header, "\t"))
	for i, r := range rows {
		mark := " "
		if done[i] {
			mark = "✓"
		}
		fmt.Fprintln(tw, mark+"\t"+strings.Join(r, "\t"))
	}
	tw.Flush()
}
