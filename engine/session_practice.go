package engine

// What the practice TUI asks of a session beside the commands' calls: the
// tasks, a symptom to list, and a grading that records nothing (its live
// checks re-run on every kernel change).

// Tasks lists what can be practised: the lessons in teaching order, then
// the break-fix scenarios (none when the catalog could not load; Catalog
// says why).
func (s *Session) Tasks() []*Lesson {
	cat, err := s.Catalog()
	if err != nil {
		return nil
	}
	out := cat.Walkthroughs()
	for _, l := range cat.Lessons {
		if l.Scenario() {
			out = append(out, l)
		}
	}
	return out
}

// Symptom is a scenario's symptom with the scope's namespace names. It only
// maps names, reading neither the kernel nor the journal, so a list may
// render it; of the task's values ({{env}}) it knows the lesson's own only.
func (s *Session) Symptom(l *Lesson) string {
	return render(l.Symptom, resolverOf(s.scope), l.Env)
}

// Grade grades the live state as Verify does but records nothing: neither
// progress nor the failed attempt that opens the solution's gate. The live
// checks call it on every kernel change; only the learner's own verify (or
// the one run once when every check passes) counts.
func (s *Session) Grade(l *Lesson) (Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Verify(l, s.scope)
}
