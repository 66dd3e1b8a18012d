package e2e

// The life of a scope with each lesson, through the commands a learner uses.

import (
	"strings"
	"testing"
)

// Never set up, run, verify, reset, reset again.
func TestCLILifecycle(t *testing.T) {
	t.Parallel()
	for _, l := range lessonIDs {
		t.Run(l, func(t *testing.T) {
			t.Parallel()
			skipRealRoot(t, l)
			s := newScope(t, "c1"+l)

			r, rep := verify(t, l, s)
			if r.code != 1 {
				t.Fatalf("verify on a scope never set up: want exit 1\n%s", r)
			}
			first := rep.firstFailed()
			if first == nil || first.ID != "setup" {
				t.Fatalf("first failed check: want id setup, got %+v\n%s", first, rep)
			}
			wantContains(t, "setup hint", first.Hint, "lab task "+l+" --scope "+s)
			wantContains(t, "setup detail", first.Detail, s)
			// The text report says the same.
			txt := lab(t, "verify", l, "--scope", s)
			want(t, txt, 1)
			wantContains(t, "verify text", txt.stdout, "lab task "+l+" --scope "+s)
			// Grading an empty scope creates nothing.
			wantNothing(t, s)

			run := lab(t, "run", l, "--scope", s)
			want(t, run, 0)
			wantContains(t, "lab run", run.stdout, "all ", "checks passed", "lab reset --scope "+s)
			if strings.Contains(run.stdout, "✗") || run.stderr != "" {
				t.Errorf("lab run passed with a failed check or on stderr:\n%s", run)
			}

			r, rep = verify(t, l, s)
			if r.code != 0 || !rep.Passed {
				t.Fatalf("verify after run: want exit 0 and passed\n%s%s", rep, r.stderr)
			}
			if n := len(lessonFile(t, l).Verify); len(rep.Checks) != n {
				t.Errorf("verify after run: %d checks, the lesson file has %d\n%s", len(rep.Checks), n, rep)
			}
			for _, c := range rep.Checks {
				if c.ID == "setup" {
					t.Errorf("verify after run still has a setup check: %+v", c)
				}
			}

			reset := lab(t, "reset", "--scope", s)
			want(t, reset, 0)
			for _, n := range append([]string{"host", "world"}, lessonNetns[l]...) {
				wantContains(t, "lab reset", reset.stdout, "removed netns "+s+"-"+n+"\n")
			}
			if l == "dnat" {
				wantContains(t, "lab reset", reset.stdout, "removed process web")
			}
			wantNothing(t, s)

			again := lab(t, "reset", "--scope", s)
			want(t, again, 0)
			if again.stdout != "scope "+s+": nothing to remove\n" {
				t.Errorf("second reset: want it to say there is nothing to remove\n%s", again)
			}
			wantNothing(t, s)
		})
	}
}
