package e2e

// `lab task`, `lab script` and `lab shell` together: the lesson's own
// script, piped into the sandbox host's shell, is a solution.

import "testing"

// The lesson's own script, piped into lab shell, passes verify.
func TestCLIPipedIntoShell(t *testing.T) {
	t.Parallel()
	for _, l := range lessonIDs {
		t.Run(l, func(t *testing.T) {
			t.Parallel()
			skipRealRoot(t, l)
			s := newScope(t, "c2"+l)

			task := lab(t, "task", l, "--scope", s)
			want(t, task, 0)
			wantContains(t, "lab task", task.stdout, "Task "+l+":", "lab shell --scope "+s, "lab verify "+l+" --scope "+s)
			// The task alone is not the solution.
			wantVerify(t, l, s, 1)

			script := lab(t, "script", l, "--scope", s)
			want(t, script, 0)
			wantContains(t, "lab script", script.stdout, "#!/usr/bin/env bash\n", "set -euo pipefail\n")

			sh := labIn(t, script.stdout, "shell", "--scope", s)
			want(t, sh, 0)

			if rep := wantVerify(t, l, s, 0); !rep.Passed {
				t.Errorf("verify after the script: %s", rep)
			}
		})
	}
}
