package engine

import (
	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
)

// Session is one interactive use of a scope: the TUI's only way to the lab.
// It holds the scope's lock for its whole life, so a `lab run` in another
// terminal cannot change the lab under the walkthrough.
type Session struct {
	Catalog  *Catalog
	Scope    *netops.Scope
	lock     *netops.Lock
	progress *Progress
}

// OpenSession loads the lessons and takes the scope's lock; who says what
// holds it ("lab learn veth") for a second process that finds it busy.
func OpenSession(scope, lessonsDir, who string) (*Session, error) {
	cat, err := LoadCatalog(lessonsDir)
	if err != nil {
		return nil, err
	}
	s, err := netops.NewScope(scope)
	if err != nil {
		return nil, err
	}
	lock, err := s.Acquire(who)
	if err != nil {
		return nil, err
	}
	return &Session{Catalog: cat, Scope: s, lock: lock, progress: LoadProgress(ProgressPath())}, nil
}

// Close releases the scope's handles and lock; the lab stays in place.
func (s *Session) Close() {
	s.Scope.Close()
	s.lock.Release()
}

// Done reports whether the learner verified the lesson once.
func (s *Session) Done(id string) bool { return s.progress.IsDone(id) }

// Setup gives the lesson a fresh stage: whatever the scope held is removed,
// then the lesson's given state is built. A failed setup is rolled back.
func (s *Session) Setup(l *Lesson) error {
	if _, err := s.Scope.Reset(); err != nil {
		return err
	}
	if err := (&Runner{Scope: s.Scope}).Setup(l); err != nil {
		s.Scope.Reset()
		return err
	}
	return nil
}

// Step applies step i of the lesson.
func (s *Session) Step(l *Lesson, i int) (StepResult, error) {
	return (&Runner{Scope: s.Scope}).Step(l, i)
}

// Verify grades the live state; a pass in the learner's own scope is
// recorded as progress.
func (s *Session) Verify(l *Lesson) (Report, error) {
	rep, err := Verify(l, s.Scope)
	if err == nil && rep.Passed && s.Scope.Name == netops.DefaultScope {
		_ = s.progress.MarkDone(l.ID)
	}
	return rep, err
}

// Topology is the live state of the lesson's namespaces, read from the
// kernel (not from the lesson file), for the topology pane.
func (s *Session) Topology(l *Lesson) (snapshot.Snapshot, error) {
	return snapshot.TakeAll(s.Scope.LessonFirst(realNames(l, s.Scope)))
}

// Reset removes everything the scope holds.
func (s *Session) Reset() ([]string, error) {
	return s.Scope.Reset()
}

// Lessons lists the lessons in teaching order.
func (s *Session) Lessons() []*Lesson { return s.Catalog.Lessons }

// ScopeName is the scope the session works in.
func (s *Session) ScopeName() string { return s.Scope.Name }

// Text renders a lesson text with the scope's real names.
func (s *Session) Text(l *Lesson, text string) string { return l.Text(s.Scope, text) }
