// Package tui is the walkthrough: a bubbletea v2 program that renders what
// the engine does. It never touches the kernel: every side effect is an
// Engine call made from a tea.Cmd, so a slow step never blocks a key.
package tui

import (
	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/netops/snapshot"
)

// Engine is what the TUI asks of the lab; *engine.Session implements it and
// tests use a fake.
type Engine interface {
	Lessons() []*engine.Lesson
	Done(id string) bool
	ScopeName() string
	Text(l *engine.Lesson, text string) string
	Setup(l *engine.Lesson) error
	Step(l *engine.Lesson, i int) (engine.StepResult, error)
	Verify(l *engine.Lesson) (engine.Report, error)
	Topology(l *engine.Lesson) (snapshot.Snapshot, error)
	Reset() ([]string, error)
}
