package engine

import (
	"strings"
	"sync"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
)

// grade evaluates checks against one snapshot of the lesson's namespaces
// (taken now unless the caller has a fresh one). Checks run concurrently:
// pings wait for replies, and a verify of six pings should cost one ping's
// time, not six.
func grade(l *Lesson, s *netops.Scope, checks []CheckSpec, snap *snapshot.Snapshot) ([]CheckResult, error) {
	if snap == nil {
		taken, err := snapshot.TakeAll(realNames(l, s))
		if err != nil {
			return nil, err
		}
		snap = &taken
	}
	e := &Eval{Scope: s, Snap: *snap}
	out := make([]CheckResult, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := c.Check.Evaluate(e)
			out[i] = result(l, s, c, o)
		}()
	}
	wg.Wait()
	return out, nil
}

func result(l *Lesson, s *netops.Scope, c CheckSpec, o Outcome) CheckResult {
	r := CheckResult{ID: c.ID, Title: l.Text(s, c.Title), Passed: o.Passed, Detail: o.Detail, Captured: o.Lines}
	if r.Title == "" {
		r.Title = c.Check.Describe(s)
	}
	if !o.Passed {
		switch {
		case c.Hint != "":
			r.Hint = l.Text(s, c.Hint)
		case len(o.Fix) > 0:
			r.Hint = "run: " + strings.Join(o.Fix, " && ")
		}
	}
	return r
}

func realNames(l *Lesson, s *netops.Scope) []string {
	var out []string
	for _, n := range l.AllNetns() {
		out = append(out, s.Netns(n))
	}
	return out
}
