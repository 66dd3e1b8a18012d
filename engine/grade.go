package engine

import (
	"strings"
	"sync"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
)

// grade evaluates checks against one snapshot of the lesson's namespaces,
// taken by the caller. Checks run concurrently: pings wait for replies, and
// a verify of six pings should cost one ping's time, not six.
func grade(l *Lesson, s *netops.Scope, checks []CheckSpec, snap *snapshot.Snapshot) ([]CheckResult, error) {
	e := &Eval{Scope: s, Snap: *snap}
	// The task's values (the pids of the lab's processes) are read once, and
	// only when a title or hint names one.
	env := sync.OnceValue(func() map[string]string { return l.envMap(s) })
	out := make([]CheckResult, len(checks))
	// A capture listens before any check of the batch sends a packet: the
	// ARP request the first ping triggers is on the wire only once.
	run := make([]Check, len(checks))
	for i, c := range checks {
		run[i] = c.Check
		if l, ok := c.Check.(listener); ok {
			run[i] = l.listen(e)
		}
	}
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Go(func() { out[i] = result(s, c, run[i].Evaluate(e), env) })
	}
	wg.Wait()
	return out, nil
}

// listener is a check that must be listening before the probes of the
// checks graded with it start; listen returns the check, listening.
type listener interface {
	listen(e *Eval) Check
}

func result(s *netops.Scope, c CheckSpec, o Outcome, env func() map[string]string) CheckResult {
	text := func(t string) string {
		if !strings.Contains(t, "{{") {
			return t
		}
		return render(t, resolverOf(s), env())
	}
	r := CheckResult{ID: c.ID, Title: text(c.Title), Passed: o.Passed, Detail: o.Detail, Captured: o.Lines}
	if r.Title == "" {
		r.Title = c.Check.Describe(s)
	}
	if !o.Passed {
		switch {
		case c.Hint != "":
			r.Hint = text(c.Hint)
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
	if !l.Cluster() {
		return out
	}
	// A cluster's nodes and pods come from its vars and from lab pod, not
	// from the lesson file: every namespace the journal holds, before world.
	seen := map[string]bool{}
	for _, n := range out {
		seen[n] = true
	}
	more, _ := s.Namespaces()
	world := out[len(out)-1]
	out = out[:len(out)-1]
	for _, n := range more {
		if !seen[n] {
			out = append(out, n)
		}
	}
	return append(out, world)
}
