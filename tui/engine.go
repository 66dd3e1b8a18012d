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
// tests use a fake. Every call but the first three may touch the kernel or
// the lab's files, and is made from a tea.Cmd only.
type Engine interface {
	Lessons() []*engine.Lesson
	Done(id string) bool
	ScopeName() string
	// Texts are the lesson's texts with the scope's names and the task's
	// values filled in, asked for after setup and after each step, so that
	// rendering never reads the lab.
	Texts(l *engine.Lesson) engine.Texts
	Setup(ctx context.Context, l *engine.Lesson, sink func(engine.Event)) ([]string, error)
	Step(ctx context.Context, l *engine.Lesson, i int) (engine.StepResult, error)
	Verify(l *engine.Lesson) (engine.Report, error)
	// Check grades step i's checks against the live state, without applying
	// it; Watch reports changes of the kernel state until ctx ends.
	Check(l *engine.Lesson, i int) ([]engine.CheckResult, error)
	Watch(ctx context.Context, l *engine.Lesson) <-chan struct{}
	Topology(l *engine.Lesson) (snapshot.Snapshot, error)
	Reset() ([]string, error)
}
