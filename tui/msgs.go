package tui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/netops/snapshot"
)

// Messages carry the results of engine calls made in tea.Cmds.
type (
	setupDoneMsg struct{ err error }
	stepDoneMsg  struct {
		step int
		res  engine.StepResult
		err  error
		took time.Duration
	}
	verifyDoneMsg struct {
		rep engine.Report
		err error
	}
	topoMsg struct {
		snap snapshot.Snapshot
		err  error
	}
	resetDoneMsg struct{ err error }
	demoTickMsg  struct{ gen int }
)

func setupCmd(e Engine, l *engine.Lesson) tea.Cmd {
	return func() tea.Msg { return setupDoneMsg{err: e.Setup(l)} }
}

func stepCmd(e Engine, l *engine.Lesson, i int) tea.Cmd {
	return func() tea.Msg {
		start := time.Now()
		res, err := e.Step(l, i)
		return stepDoneMsg{step: i, res: res, err: err, took: time.Since(start)}
	}
}

func verifyCmd(e Engine, l *engine.Lesson) tea.Cmd {
	return func() tea.Msg {
		rep, err := e.Verify(l)
		return verifyDoneMsg{rep: rep, err: err}
	}
}

func topoCmd(e Engine, l *engine.Lesson) tea.Cmd {
	return func() tea.Msg {
		snap, err := e.Topology(l)
		return topoMsg{snap: snap, err: err}
	}
}

func resetCmd(e Engine) tea.Cmd {
	return func() tea.Msg {
		_, err := e.Reset()
		return resetDoneMsg{err: err}
	}
}
