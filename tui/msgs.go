package tui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/netops/snapshot"
)

// Messages carry the results of engine calls made in tea.Cmds.
type (
	setupDoneMsg struct {
		texts engine.Texts
		err   error
	}
	stepDoneMsg struct {
		step  int
		res   engine.StepResult
		texts engine.Texts
		err   error
		took  time.Duration
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

// The walkthrough's kernel jobs run to their end: a step is never left half
// done, and quitting waits for the one running.

func setupCmd(e Engine, l *engine.Lesson) tea.Cmd {
	return func() tea.Msg {
		_, err := e.Setup(context.Background(), l, nil)
		return setupDoneMsg{texts: e.Texts(l), err: err}
	}
}

func stepCmd(e Engine, l *engine.Lesson, i int) tea.Cmd {
	return func() tea.Msg {
		start := time.Now()
		res, err := e.Step(context.Background(), l, i)
		took := time.Since(start)
		return stepDoneMsg{step: i, res: res, texts: e.Texts(l), err: err, took: took}
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
