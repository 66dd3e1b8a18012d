package engine

import (
	"fmt"
	"strings"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
)

// Report is what `lab verify --json` prints.
type Report struct {
	Lesson string        `json:"lesson"`
	Passed bool          `json:"passed"`
	Checks []CheckResult `json:"checks"`
}

// Verify grades the live state against the lesson's goal, however it was
// built. Behaviour checks come first; a failed one is explained by the first
// structural check that failed, so the learner reads what to mend. A scope
// that was never set up is not an error: its first check says what to run.
func Verify(l *Lesson, s *netops.Scope) (Report, error) {
	rep := Report{Lesson: l.ID}
	var pre []CheckResult
	switch cur := s.Lesson(); {
	case !s.Exists():
		pre = append(pre, CheckResult{ID: "setup", Title: "the lab is set up", Detail: fmt.Sprintf("scope %q has no lab in place", s.Name),
			Hint: "run: lab task " + l.ID + scopeFlag(s)})
	case cur != l.ID:
		pre = append(pre, CheckResult{ID: "setup", Title: "the lab is set up for this lesson", Detail: fmt.Sprintf("scope %q holds lesson %q", s.Name, cur),
			Hint: "run: lab reset" + scopeFlag(s) + " && lab task " + l.ID + scopeFlag(s)})
	}
	var behaviour, structure []CheckSpec
	for _, c := range l.Verify {
		if c.Check.Behaviour() {
			behaviour = append(behaviour, c)
		} else {
			structure = append(structure, c)
		}
	}
	// A link the learner just brought up or plugged into a bridge forwards
	// only once the kernel has processed its carrier: a verify typed right
	// after the fix must not see a transient failure.
	snap, err := snapshot.TakeSettled(realNames(l, s))
	if err != nil {
		return rep, err
	}
	results, err := grade(l, s, append(behaviour, structure...), &snap)
	if err != nil {
		return rep, err
	}
	for i := 0; i < len(behaviour); i++ {
		if results[i].Passed {
			continue
		}
		// The cause is the first failed structural check on this probe's
		// own path, never one of another namespace's.
		path := probePath(behaviour[i].Check, s, snap)
		var cause *CheckResult
		for j, c := range structure {
			if r := &results[len(behaviour)+j]; !r.Passed && onPath(c.Check, path) {
				cause = r
				break
			}
		}
		if cause == nil {
			continue
		}
		// The structural failure is the more precise diagnosis: its detail
		// and its fix replace the behaviour check's general hint.
		if !strings.Contains(strings.ReplaceAll(results[i].Detail, `"`, ""), cause.Detail) {
			results[i].Detail += "; look at: " + cause.Detail
		}
		if cause.Hint != "" {
			results[i].Hint = cause.Hint
		}
	}
	rep.Checks = append(pre, results...)
	rep.Passed = true
	for _, c := range rep.Checks {
		rep.Passed = rep.Passed && c.Passed
	}
	return rep, nil
}

// probePath is the namespaces a behaviour check's packets cross, by logical
// name: its own (the source, a capture's), the host every path of a lesson
// goes through, and the namespace holding the address it probes.
func probePath(c Check, s *netops.Scope, snap snapshot.Snapshot) map[string]bool {
	path := map[string]bool{netops.HostNetns: true}
	for _, n := range c.Namespaces() {
		path[n] = true
	}
	if t, ok := c.(interface{ target() string }); ok {
		if ip := t.target(); ip != "" {
			for _, n := range snap.Namespaces {
				for _, a := range n.Addrs {
					if strings.SplitN(a.Prefix, "/", 2)[0] == ip {
						path[s.Logical(n.Name)] = true
					}
				}
			}
		}
	}
	return path
}

func onPath(c Check, path map[string]bool) bool {
	for _, n := range c.Namespaces() {
		if path[n] {
			return true
		}
	}
	return false
}

func scopeFlag(s *netops.Scope) string {
	if s.Name == netops.DefaultScope {
		return ""
	}
	return " --scope " + s.Name
}
