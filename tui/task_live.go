package tui

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"
	"github.com/cnilab/lab/engine"
)

// The live checks of a task: the end-state checks are graded when the task
// is set up and again whenever the kernel state of its namespaces changes
// (the engine's watch, debounced), so a check turns green while the learner
// types in another terminal, with no key pressed. Grade records nothing;
// once every check passes, one recorded Verify makes it count as done.

// startWatch watches the task's namespaces and grades them once now.
func (t *Task) startWatch() tea.Cmd {
	t.stopWatch()
	ctx, cancel := context.WithCancel(context.Background())
	t.cancel = cancel
	t.watch = t.eng.Watch(ctx, t.lesson)
	return tea.Batch(t.waitChange(), t.grade())
}

// stopWatch ends the watch, if any; a grading under way is then stale.
func (t *Task) stopWatch() {
	if t.cancel != nil {
		t.cancel()
		t.cancel, t.watch = nil, nil
	}
	t.watchGen++
}

// waitChange waits for the next report of the watch; the channel closes
// when the watch ends.
func (t *Task) waitChange() tea.Cmd {
	ch, gen := t.watch, t.watchGen
	return func() tea.Msg {
		if _, ok := <-ch; !ok {
			return nil
		}
		return taskChangeMsg{t: t, gen: gen}
	}
}

// grade grades the end state, one grading at a time: changes during one
// make one more, not one each.
func (t *Task) grade() tea.Cmd {
	if t.grading {
		t.regrade = true
		return nil
	}
	t.grading = true
	e, l, gen := t.eng, t.lesson, t.watchGen
	return t.job(func() tea.Msg {
		rep, err := e.Grade(l)
		return taskGradedMsg{t: t, gen: gen, rep: rep, err: err}
	})
}

func (t *Task) onChange(msg taskChangeMsg) tea.Cmd {
	if msg.gen != t.watchGen {
		return nil
	}
	return tea.Batch(t.waitChange(), t.grade())
}

func (t *Task) onGraded(msg taskGradedMsg) tea.Cmd {
	t.grading = false
	again := t.regrade && t.watch != nil
	t.regrade = false
	if msg.gen == t.watchGen {
		t.live, t.liveErr = &msg.rep, msg.err
		if msg.err != nil {
			t.live = nil
		}
		t.layout()
	}
	// A grading of a watch that ended (start over) may have held back the
	// new watch's first one.
	if again {
		return t.grade()
	}
	return t.maybeRecord()
}

// maybeRecord runs the recorded Verify once every live check passes, unless
// a key's job runs (its end calls again).
func (t *Task) maybeRecord() tea.Cmd {
	if t.solved || t.busy != "" || t.live == nil || !t.live.Passed || len(t.live.Checks) == 0 {
		return nil
	}
	return t.verify(true)
}

// verify runs the recorded Verify: v, or every live check passing. A
// failed one is an attempt, and opens the solution's gate.
func (t *Task) verify(auto bool) tea.Cmd {
	t.note, t.err = "", nil
	t.busy = "verifying"
	if auto {
		t.busy = "every check passes: recording it"
	}
	t.layout()
	e, l := t.eng, t.lesson
	return tea.Batch(t.job(func() tea.Msg {
		rep, err := e.Verify(l)
		return taskVerifiedMsg{t: t, auto: auto, rep: rep, err: err}
	}), t.spin.Tick)
}

func (t *Task) onVerified(msg taskVerifiedMsg) tea.Cmd {
	t.busy = ""
	switch {
	case msg.err != nil:
		t.err = msg.err
	case msg.rep.Passed:
		// Recorded as done: the end state is reached, the watch may rest.
		t.live, t.liveErr, t.solved = &msg.rep, nil, true
		t.stopWatch()
		t.layout()
		t.vp.GotoTop()
		t.afterJob()
		return nil
	default:
		t.live, t.liveErr = &msg.rep, nil // the fresher grading
		if !msg.auto {
			t.note = failedVerifyNote(t.lesson, msg.rep)
		}
	}
	t.layout()
	t.afterJob()
	return nil
}

// failedVerifyNote answers a failed v: how far it got, and that the
// solution is open now.
func failedVerifyNote(l *engine.Lesson, rep engine.Report) string {
	passed := 0
	for _, c := range rep.Checks {
		if c.Passed {
			passed++
		}
	}
	note := fmt.Sprintf("verify: %d of %d checks pass", passed, len(rep.Checks))
	if l.Scenario() {
		note += "; s shows the solution now"
	}
	return note
}
