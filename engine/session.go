package engine

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/cnilab/lab/netops"
	"github.com/cnilab/lab/netops/snapshot"
)

// Session is the one door into a lab: every command and the TUI open one
// and call it (setup, steps, verify, topology, shell, capture, reset), so
// none of them builds netops objects itself. A session that changes the lab
// holds the scope's lock for its whole life, so a `lab run` in another
// terminal cannot change the lab under the walkthrough.
type Session struct {
	// mu keeps one kernel job at a time on the session's scope: the TUI's
	// live checks run beside a learner's key presses, and a scope's netlink
	// handles are not shared between goroutines.
	mu       sync.Mutex
	opt      Options
	scope    *netops.Scope
	lock     *netops.Lock // nil: the session only reads
	catalog  *Catalog     // loaded on first use
	progress *Progress
	// vars is a cluster's vars.yaml (UseVars), written to the scope's state
	// by Setup; nil: article 000's, or the ones the scope holds.
	vars     []byte
	varsFile string
	podsPer  int // --pods-per-node, 0: the lesson's own
}

// UsePodsPerNode gives the next Setup a number of pods per cluster node.
func (s *Session) UsePodsPerNode(m int) error {
	if m < 0 || m > 250 {
		return fmt.Errorf("--pods-per-node %d: want 1 to 250 (one /24 per node)", m)
	}
	s.podsPer = m
	return nil
}

// UseVars gives the next Setup a cluster's vars.yaml, checked now so that a
// wrong file stops before the scope is reset.
func (s *Session) UseVars(file string, data []byte) error {
	if err := netops.CheckClusterVars(file, data); err != nil {
		return err
	}
	s.vars, s.varsFile = data, file
	return nil
}

// Options say which lab a session opens.
type Options struct {
	Scope   string // the sandbox's name; "" is the learner's default scope
	Lessons string // a directory of extra lesson files
	// Who takes the scope's lock for the session's life and says who holds
	// it ("lab run veth") to a second process that finds the scope busy.
	// Empty, the session takes no lock: it only reads (verify, topo, shell,
	// capture, script).
	Who string
}

// ErrBusy is wrapped by Open when another process holds the scope's lock.
var ErrBusy = netops.ErrBusy

// DefaultScope is the learner's own scope; tests use others.
const DefaultScope = netops.DefaultScope

// Open opens a session on a scope. It creates nothing, except the state dir
// that holds the lock of a session that takes one.
func Open(opt Options) (*Session, error) {
	if opt.Scope == "" {
		opt.Scope = DefaultScope
	}
	s, err := netops.NewScope(opt.Scope)
	if err != nil {
		return nil, err
	}
	sess := &Session{opt: opt, scope: s, progress: LoadProgress(ProgressPath())}
	if opt.Who != "" {
		if sess.lock, err = s.Acquire(opt.Who); err != nil {
			return nil, err
		}
	}
	return sess, nil
}

// Close releases the scope's handles and lock; the lab stays in place.
func (s *Session) Close() {
	s.scope.Close()
	s.lock.Release()
}

// Catalog loads the lessons once: the embedded ones and the --lessons dir.
func (s *Session) Catalog() (*Catalog, error) {
	if s.catalog == nil {
		cat, err := LoadCatalog(s.opt.Lessons)
		if err != nil {
			return nil, err
		}
		s.catalog = cat
	}
	return s.catalog, nil
}

// Lesson finds a lesson by id (the error lists the valid ids), parsing only
// that lesson and what it extends unless the catalog is loaded already.
// When the scope holds that task set up with a seed, the lesson comes with
// the seed's values.
func (s *Session) Lesson(id string) (*Lesson, error) {
	var l *Lesson
	var err error
	if s.catalog != nil {
		l, err = s.catalog.Get(id)
	} else {
		l, err = LoadLesson(s.opt.Lessons, id)
	}
	if err != nil {
		return nil, err
	}
	return l.Varied(s.heldSeed(id))
}

// Lessons lists the lessons in teaching order, without the break-fix
// scenarios (none when the catalog could not load; Catalog says why).
func (s *Session) Lessons() []*Lesson {
	cat, err := s.Catalog()
	if err != nil {
		return nil
	}
	return cat.Walkthroughs()
}

// Done reports whether the learner verified the lesson once.
func (s *Session) Done(id string) bool { return s.progress.IsDone(id) }

// ScopeName is the scope the session works in.
func (s *Session) ScopeName() string { return s.scope.Name }

// ScopeFlag is the flag that names this scope on a command line: "" for
// the default scope, " --scope t1" for another.
func (s *Session) ScopeFlag() string { return scopeFlag(s.scope) }

// Exists reports whether the scope is set up (its host namespace is there).
func (s *Session) Exists() bool { return s.scope.Exists() }

// Holds reports whether the scope is set up with this lesson.
func (s *Session) Holds(l *Lesson) bool { return s.scope.Lesson() == l.ID && s.scope.Exists() }

// Setup gives the lesson a fresh stage: whatever the scope held is removed
// (the names are returned), then the lesson's given state is built. A failed
// setup is rolled back, so a refused lesson leaves nothing behind.
func (s *Session) Setup(ctx context.Context, l *Lesson, sink func(Event)) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	removed, err := s.scope.Reset()
	if err != nil {
		return removed, err
	}
	if s.vars != nil {
		// After the reset, which clears the state, before the cluster op.
		if err := s.scope.SetClusterVars(s.varsFile, s.vars); err != nil {
			return removed, err
		}
	}
	if s.podsPer > 0 {
		if err := s.scope.SetPodsPerNode(s.podsPer); err != nil {
			return removed, err
		}
	}
	if err := (&Runner{Scope: s.scope, Sink: sink}).Setup(ctx, l); err != nil {
		s.scope.Reset()
		return removed, err
	}
	return removed, s.recordSeed(l)
}

// Steps applies every step of a lesson already set up, reporting each
// stage to sink; it stops between steps once ctx is cancelled.
func (s *Session) Steps(ctx context.Context, l *Lesson, sink func(Event)) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return (&Runner{Scope: s.scope, Sink: sink}).Steps(ctx, l)
}

// Cleanup applies the lesson's cleanup steps after its steps (numbered on
// from them), as `lab run --cleanup` does once the steps are done.
func (s *Session) Cleanup(ctx context.Context, l *Lesson, sink func(Event)) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return (&Runner{Scope: s.scope, Sink: sink}).Cleanup(ctx, l)
}

// Step applies step i of the lesson.
func (s *Session) Step(ctx context.Context, l *Lesson, i int) (StepResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return (&Runner{Scope: s.scope}).Step(ctx, l, i)
}

// Verify grades the live state; a pass in the learner's own scope is
// recorded as progress (test scopes never write it).
func (s *Session) Verify(l *Lesson) (Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rep, err := Verify(l, s.scope)
	if err == nil && rep.Passed && s.scope.Name == DefaultScope {
		_ = s.progress.MarkDone(l.ID)
	}
	if err == nil {
		s.noteVerify(l, rep)
	}
	return rep, err
}

// Topology is the live state of the lab, read from the kernel (not from the
// lesson file): the lesson's namespaces, or, for a nil lesson, every
// namespace of the scope; the lesson's first, host first, world last.
func (s *Session) Topology(l *Lesson) (snapshot.Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l != nil {
		return snapshot.TakeFull(s.scope.LessonFirst(realNames(l, s.scope)))
	}
	names, err := s.scope.Namespaces()
	if err != nil {
		return snapshot.Snapshot{}, err
	}
	return snapshot.TakeFull(s.scope.LessonFirst(names))
}

// Env is the values the lesson's task names (HOST_IP, CNI_PATH, PAUSE_PID,
// ...), sorted, as `lab task --env` prints them.
func (s *Session) Env(l *Lesson) [][2]string { return l.EnvVars(s.scope) }

// Text renders a lesson text (task, hint) with the scope's real names and
// the task's values. It reads the lab's processes: call it from a command,
// never while rendering.
func (s *Session) Text(l *Lesson, text string) string { return l.Text(s.scope, text) }

// Texts renders every text of a lesson the walkthrough shows, once, so
// that rendering stays pure: the TUI asks for them after setup and after
// each step, from a tea.Cmd.
func (s *Session) Texts(l *Lesson) Texts { return l.Texts(s.scope) }

// Script writes the lesson's commands as the bash a learner would type.
func (s *Session) Script(w io.Writer, l *Lesson) { Script(w, l, s.scope) }

// Reset removes everything the scope holds.
func (s *Session) Reset() ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.scope.Reset()
}

// Watch reports that the kernel state of the lesson's namespaces may have
// changed (netops.Watch), or the files its checks read: the scope's CNI
// configs and plugins, and the IPAM folders. The by-hand mode and the
// practice view re-check on each report.
func (s *Session) Watch(ctx context.Context, l *Lesson) <-chan struct{} {
	dirs := []string{s.scope.ConfDir(), s.scope.PluginDir(), s.scope.IPAMDir()}
	for _, n := range l.IPAMNetworks {
		dirs = append(dirs, netops.IPAMDirOf(n))
	}
	return netops.Watch(ctx, realNames(l, s.scope), dirs)
}

// Check grades step i's checks against the live state, without applying
// the step: the learner did it by hand.
func (s *Session) Check(l *Lesson, i int) ([]CheckResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap, err := snapshot.TakeSettled(realNames(l, s.scope))
	if err != nil {
		return nil, err
	}
	return grade(l, s.scope, l.Steps[i].Check, &snap)
}
