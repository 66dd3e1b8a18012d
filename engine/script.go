package engine

import (
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/cnilab/lab/netops"
)

// Script writes the bash a learner would type for the lesson's steps, for
// `lab shell` after `lab task`. Setup is not in it: the task gives it.
// Every check follows its step as comments: "# check: WHAT", then the
// commands that show it (the ping, curl or tcpdump of a behaviour check,
// the `ip` of a structural one; check_commands.go). They stay comments so
// the script runs under `set -e` whatever they print, a probe expected to
// fail included; a learner copies one to see for themselves. The checks of
// verify that no step has come last.
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
			scriptCheck(w, c.Check, s)
		}
	}
	if rest := verifyOnly(l); len(rest) > 0 {
		fmt.Fprintf(w, "\n# lab verify %s%s also grades\n", l.ID, flag)
		for _, c := range rest {
			scriptCheck(w, c.Check, s)
		}
	}
}

// scriptCheck writes one check as comments: what it asserts, then its hand
// commands, every line of them commented.
func scriptCheck(w io.Writer, c Check, s *netops.Scope) {
	fmt.Fprintf(w, "# check: %s\n", c.Describe(s))
	for _, cmd := range handCommandsOf(c, s) {
		for _, line := range strings.Split(cmd, "\n") {
			fmt.Fprintf(w, "# %s\n", line)
		}
	}
}

// verifyOnly are the lesson's verify checks that no step checks (the
// conformance battery of mycni).
func verifyOnly(l *Lesson) []CheckSpec {
	var out []CheckSpec
	for _, v := range l.Verify {
		if !stepChecks(l, v.Check) {
			out = append(out, v)
		}
	}
	return out
}

func stepChecks(l *Lesson, c Check) bool {
	for _, st := range l.Steps {
		for _, sc := range st.Check {
			if reflect.DeepEqual(sc.Check, c) {
				return true
			}
		}
	}
	return false
}
