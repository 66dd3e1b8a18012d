// Package tui is the walkthrough: a bubbletea v2 program that renders what
// the engine does. It never touches the kernel: every side effect is an
// Engine call made from a tea.Cmd, so a slow step never blocks a key.
package tui

import (
	"context"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/netops/snapshot"
)

// Engine is what the TUI asks of the lab; *engine.Session implements it and
// tests use a fake. The first five calls read no kernel state and may be
// made while building a model; every other call may touch the kernel or
// the lab's files, and is made from a tea.Cmd only.
type Engine interface {
	Lessons() []*engine.Lesson
	// Tasks are what `lab practice` lists: the lessons, then the
	// break-fix scenarios.
	Tasks() []*engine.Lesson
	Done(id string) bool
	ScopeName() string
	// Symptom is a scenario's symptom with the scope's names (names only:
	// no process is read).
	Symptom(l *engine.Lesson) string

	// Texts are the lesson's texts with the scope's names and the task's
	// values filled in, asked for after setup and after each step, so that
	// rendering never reads the lab.
	Texts(l *engine.Lesson) engine.Texts
	Setup(ctx context.Context, l *engine.Lesson, sink func(engine.Event)) ([]string, error)
	Step(ctx context.Context, l *engine.Lesson, i int) (engine.StepResult, error)
	// Verify grades the end state and records it: progress on a pass, the
	// failed attempt that opens the solution's gate otherwise.
	Verify(l *engine.Lesson) (engine.Report, error)
	// Grade grades the end state as Verify does, recording nothing: the
	// practice view's live checks.
	Grade(l *engine.Lesson) (engine.Report, error)
	// Check grades step i's checks against the live state, without applying
	// it; Watch reports changes of the kernel state until ctx ends.
	Check(l *engine.Lesson, i int) ([]engine.CheckResult, error)
	Watch(ctx context.Context, l *engine.Lesson) <-chan struct{}
	// Hint is the task's next hint, n of all (all is 0 when there is
	// nothing to hint at); Solution the scenario's fix, or an error
	// wrapping engine.ErrNoAttempt before a failed Verify.
	Hint(l *engine.Lesson) (hint string, n, all int, err error)
	Solution(l *engine.Lesson) (string, error)
	Topology(l *engine.Lesson) (snapshot.Snapshot, error)
	Reset() ([]string, error)
}
