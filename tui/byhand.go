package tui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/cnilab/lab/engine"
)

// By hand: `y` leaves a step to the learner, who types its commands in
// `lab shell` in another terminal. The step's checks re-run by themselves
// whenever the kernel state of the lesson's namespaces changes (the engine's
// watch), and the step is done once they all pass. No key press is needed
// to see a check turn green; `n` still applies the step for a learner who
// is stuck.

type (
	// liveChangeMsg: the kernel state may have changed.
	liveChangeMsg struct{ gen int }
	// liveCheckedMsg: the step's checks, graded against the live state.
	liveCheckedMsg struct {
		gen  int
		step int
		res  []engine.CheckResult
		err  error
	}
)

// byHand switches the step on screen to by-hand and starts watching.
func (w *Walk) byHand() tea.Cmd {
	i := w.cursor
	if i >= len(w.steps) || w.steps[i].applied {
		return nil
	}
	if len(w.lesson.Steps[i].Check) == 0 {
		w.err = fmt.Errorf("step %d has no checks to watch: it only looks; press n", i+1)
		w.layout()
		return nil
	}
	w.stopWatch()
	w.steps[i].byHand = true
	w.watchGen++
	ctx, cancel := context.WithCancel(context.Background())
	w.watchCancel = cancel
	w.watch = w.eng.Watch(ctx, w.lesson)
	w.layout()
	return tea.Batch(w.waitChange(), w.liveCheck())
}

// stopWatch ends the watch of a by-hand step, if any.
func (w *Walk) stopWatch() {
	if w.watchCancel != nil {
		w.watchCancel()
		w.watchCancel, w.watch = nil, nil
	}
	w.watchGen++
}

// waitChange waits for the next report of the watch.
func (w *Walk) waitChange() tea.Cmd {
	ch, gen := w.watch, w.watchGen
	return func() tea.Msg {
		if _, ok := <-ch; !ok {
			return nil
		}
		return liveChangeMsg{gen: gen}
	}
}

// liveCheck grades the by-hand step's checks, one grading at a time.
func (w *Walk) liveCheck() tea.Cmd {
	if w.checking {
		w.recheck = true
		return nil
	}
	w.checking = true
	e, l, i, gen := w.eng, w.lesson, w.cursor, w.watchGen
	return func() tea.Msg {
		res, err := e.Check(l, i)
		return liveCheckedMsg{gen: gen, step: i, res: res, err: err}
	}
}

func (w *Walk) onLiveChange(msg liveChangeMsg) tea.Cmd {
	if msg.gen != w.watchGen {
		return nil
	}
	return tea.Batch(w.waitChange(), w.liveCheck())
}

func (w *Walk) onLiveChecked(msg liveCheckedMsg) tea.Cmd {
	w.checking = false
	if msg.gen != w.watchGen {
		return nil // the watch ended or moved on
	}
	s := &w.steps[msg.step]
	s.live, s.liveErr = msg.res, msg.err
	if msg.err == nil && allPassed(msg.res) {
		s.applied, s.doneByHand = true, true
		s.res = engine.StepResult{Checks: msg.res}
		w.stopWatch()
		w.layout()
		return w.refreshTopo()
	}
	w.layout()
	if w.recheck {
		w.recheck = false
		return w.liveCheck()
	}
	return nil
}

// shellCommand is what the learner types in another terminal to work in
// the scope's lab.
func shellCommand(scope string) string {
	if scope == engine.DefaultScope {
		return "sudo lab shell"
	}
	return "sudo lab shell --scope " + scope
}

func allPassed(cs []engine.CheckResult) bool {
	for _, c := range cs {
		if !c.Passed {
			return false
		}
	}
	return len(cs) > 0
}

// byHandContent is the body of a step left to the learner: where to type,
// what to type, and the checks as they stand now.
func (w *Walk) byHandContent(i int, s stepState, width int) string {
	st := w.st
	var b strings.Builder
	shell := shellCommand(w.eng.ScopeName())
	if s.doneByHand {
		b.WriteString(st.Pass.Render("✓ done by hand") + st.Subtle.Render(" — press n for the next step") + "\n")
		b.WriteString(w.gap() + st.Section.Render("Checks") + "\n")
		b.WriteString(w.checks(s.res.Checks, width))
		return b.String()
	}
	b.WriteString(st.Section.Render("You do it") + "\n")
	b.WriteString("  In another terminal: " + st.Command.Render(shell) + "\n")
	if i < len(w.texts.Commands) && len(w.texts.Commands[i]) > 0 {
		b.WriteString("  and type:\n")
		for _, c := range w.texts.Commands[i] {
			b.WriteString("    " + st.Prompt.Render("$") + " " + st.Command.Render(wrap(c, width-6, "      ")) + "\n")
		}
	}
	b.WriteString(w.gap() + st.Section.Render("Checks (live: they re-run as the kernel changes)") + "\n")
	switch {
	case s.liveErr != nil:
		b.WriteString("  " + st.Fail.Render(s.liveErr.Error()) + "\n")
	case len(s.live) == 0:
		b.WriteString("  " + st.Subtle.Render("checking…") + "\n")
	default:
		b.WriteString(w.checks(s.live, width))
	}
	b.WriteString(st.Subtle.Render("n applies the step for you") + "\n")
	return b.String()
}
