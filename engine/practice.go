package engine

import (
	"encoding/json"
	"errors"
	"fmt"
)

// practice is what the scope remembers of the task it holds: how many
// hints were shown and whether a verify failed (the solution's gate). It
// lives in the scope's state dir, so each `lab task` starts it over.
type practice struct {
	Task   string `json:"task"`
	Hints  int    `json:"hints"`
	Failed bool   `json:"failed"`
}

const practiceFile = "practice.json"

func (s *Session) loadPractice(id string) practice {
	p := practice{Task: id}
	if b, err := s.scope.ReadState(practiceFile); err == nil && b != nil {
		var got practice
		if json.Unmarshal(b, &got) == nil && got.Task == id {
			p = got
		}
	}
	return p
}

func (s *Session) savePractice(p practice) error {
	b, _ := json.Marshal(p)
	return s.scope.WriteState(practiceFile, b)
}

// ErrNoAttempt is wrapped by Solution before a failed verify of the task.
var ErrNoAttempt = errors.New("no attempt yet")

// ErrNotHeld is wrapped when the scope does not hold the task asked about.
var ErrNotHeld = errors.New("not set up")

// needHeld refuses a task the scope does not hold.
func (s *Session) needHeld(l *Lesson) error {
	if s.Holds(l) {
		return nil
	}
	return fmt.Errorf("%w: scope %q does not hold %s; run lab task %s%s first", ErrNotHeld, s.scope.Name, l.ID, l.ID, s.ScopeFlag())
}

// Hint returns the next hint of a scenario, or of a lesson's failed checks,
// n of all. Each call reveals one more; the last one repeats. It holds the
// session's lock: a lesson's hints grade the live state, and the practice
// file it rewrites is the one a verify running meanwhile writes too.
func (s *Session) Hint(l *Lesson) (hint string, n, all int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.needHeld(l); err != nil {
		return "", 0, 0, err
	}
	hints := l.Hints
	if len(hints) == 0 {
		// A lesson has no layered hints: its failed checks' hints serve.
		rep, err := Verify(l, s.scope)
		if err != nil {
			return "", 0, 0, err
		}
		for _, c := range rep.Checks {
			if !c.Passed && c.Hint != "" {
				hints = append(hints, c.Title+": "+c.Hint)
			}
		}
		if len(hints) == 0 {
			return "every check passes: nothing to hint at", 0, 0, nil
		}
	}
	p := s.loadPractice(l.ID)
	if p.Hints < len(hints) {
		p.Hints++
	}
	if err := s.savePractice(p); err != nil {
		return "", 0, 0, err
	}
	if s.scope.Name == DefaultScope {
		_ = s.progress.CountHint(l.ID)
	}
	return s.Text(l, hints[p.Hints-1]), p.Hints, len(hints), nil
}

// Solution returns a scenario's fix as bash, for `lab shell`, once a verify
// of the task has failed: try first. It holds the session's lock, as Hint.
func (s *Session) Solution(l *Lesson) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !l.Scenario() {
		return "", fmt.Errorf("%s is a lesson: its steps are its solution (lab script %s)", l.ID, l.ID)
	}
	if err := s.needHeld(l); err != nil {
		return "", err
	}
	if !s.loadPractice(l.ID).Failed {
		return "", fmt.Errorf("%w: try first, then lab verify %s%s", ErrNoAttempt, l.ID, s.ScopeFlag())
	}
	if s.scope.Name == DefaultScope {
		_ = s.progress.CountSolution(l.ID)
	}
	return s.Text(l, l.Solution), nil
}

// noteVerify records a failed verify of the task the scope holds: it opens
// the solution's gate.
func (s *Session) noteVerify(l *Lesson, rep Report) {
	if rep.Passed || !s.Holds(l) {
		return
	}
	p := s.loadPractice(l.ID)
	if !p.Failed {
		p.Failed = true
		_ = s.savePractice(p)
	}
}
