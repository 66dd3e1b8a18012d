package engine

import (
	"fmt"
	"io"

	"github.com/cnilab/lab/netops"
)

// Script writes the bash a learner would type for the lesson's steps, for
// `lab shell` after `lab task`. Setup is not in it: the task gives it.
// Checks appear as comments, with the command that would show them.
func Script(w io.Writer, l *Lesson, s *netops.Scope) {
	flag := scopeFlag(s)
	fmt.Fprintf(w, "#!/usr/bin/env bash\n# lesson %s: %s\n# after `lab task %s%s`, run this in `lab shell%s`\nset -euo pipefail\n",
		l.ID, l.Title, l.ID, flag, flag)
	for i, st := range l.Steps {
		fmt.Fprintf(w, "\n# %d. %s\n", i+1, st.Title)
		for _, op := range st.Do {
			for _, c := range op.Op.Commands(s) {
				fmt.Fprintln(w, c)
			}
		}
		for _, c := range st.Check {
			if p, ok := c.Check.(*ReachCheck); ok {
				cmd := p.handCommand(s)
				if p.Expect == "fail" && p.Reason != "" {
					fmt.Fprintf(w, "# %s  (fails: %s)\n", cmd, p.Reason)
				} else if p.Expect == "fail" {
					fmt.Fprintf(w, "# %s  (gets no reply yet)\n", cmd)
				} else {
					fmt.Fprintf(w, "# %s\n", cmd)
				}
			}
		}
	}
}
