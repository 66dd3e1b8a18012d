package tui

import (
	"context"
	"errors"
	"fmt"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/cnilab/lab/engine"
)

// Task is one task of `lab practice` opened: its stage set up, the task
// (and a scenario's symptom), where to work, and its end-state checks
// graded live as the learner works in another terminal. h reveals one more
// hint, s the solution once an attempt failed, v verifies (recorded), r
// starts over.
type Task struct {
	eng    Engine
	lesson *engine.Lesson
	st     Styles
	keys   KeyMap
	md     *markdown
	scope  string // the scope's name, read once: rendering asks the engine nothing
	jobs   *int   // the engine calls running, counted by the practice app

	width, height int
	symptom       string       // a scenario's, with the scope's names
	texts         engine.Texts // the task's text, from setup
	ready         bool
	setupErr      error
	busy          string // the key's job running: one at a time
	pending       string // "back" or "quit", chosen while a job ran, done when it ends

	// The live checks (task_live.go).
	live     *engine.Report
	liveErr  error
	watch    <-chan struct{}
	cancel   func()
	watchGen int
	grading  bool // a grading runs
	regrade  bool // the kernel changed during it
	solved   bool // a recorded verify passed

	hints    []shownHint
	solution string
	note     string // the answer to the last key: "try first: press v to verify"
	err      error  // an engine call that failed

	back bool // the learner asked for the list
	quit bool // the learner asked to leave

	spin spinner.Model
	vp   viewport.Model
	help help.Model
}

// shownHint is a hint revealed: n of all.
type shownHint struct {
	n, all int
	text   string
}

// Messages of a task's engine calls name the task: after esc, or after a
// start over, a late answer of the previous one is not this one's.
type (
	taskSetupMsg struct {
		t     *Task
		texts engine.Texts
		err   error
	}
	taskChangeMsg struct {
		t   *Task
		gen int
	}
	taskGradedMsg struct {
		t   *Task
		gen int
		rep engine.Report
		err error
	}
	taskVerifiedMsg struct {
		t    *Task
		auto bool // run because every live check passed
		rep  engine.Report
		err  error
	}
	taskHintMsg struct {
		t      *Task
		hint   string
		n, all int
		err    error
	}
	taskSolutionMsg struct {
		t   *Task
		sol string
		err error
	}
)

// taskMsg is a message of one task; jobDone ends one engine call.
type taskMsg interface{ task() *Task }

func (m taskSetupMsg) task() *Task    { return m.t }
func (m taskChangeMsg) task() *Task   { return m.t }
func (m taskGradedMsg) task() *Task   { return m.t }
func (m taskVerifiedMsg) task() *Task { return m.t }
func (m taskHintMsg) task() *Task     { return m.t }
func (m taskSolutionMsg) task() *Task { return m.t }

// isJob tells the messages that end an engine call from the watch's.
func isJob(msg taskMsg) bool {
	_, change := msg.(taskChangeMsg)
	return !change
}

// NewTask opens a task; Init sets it up. jobs counts the engine calls
// running, for the app that must not close the session under one.
func NewTask(eng Engine, l *engine.Lesson, st Styles, keys KeyMap, jobs *int) *Task {
	if jobs == nil {
		jobs = new(int)
	}
	t := &Task{
		eng: eng, lesson: l, st: st, keys: keys, md: newMarkdown(st), scope: eng.ScopeName(), jobs: jobs,
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		help: help.New(),
	}
	if l.Scenario() {
		t.symptom = eng.Symptom(l)
	}
	if !st.Color {
		t.help.Styles = plainHelp()
	}
	t.vp = viewport.New()
	t.vp.KeyMap = viewportKeys()
	t.SetSize(80, 24)
	return t
}

func (t *Task) Init() tea.Cmd { return t.start("setting up the task") }

// job counts an engine call the app must wait for before it quits.
func (t *Task) job(cmd tea.Cmd) tea.Cmd {
	*t.jobs++
	return cmd
}

// start sets the task up afresh (Setup resets the scope first, and with it
// the hints and the solution's gate): at open, and for r.
func (t *Task) start(busy string) tea.Cmd {
	t.stopWatch()
	t.ready, t.setupErr, t.solved = false, nil, false
	t.live, t.liveErr, t.hints, t.solution = nil, nil, nil, ""
	t.note, t.err = "", nil
	t.busy = busy
	t.layout()
	t.vp.GotoTop()
	e, l := t.eng, t.lesson
	return tea.Batch(t.job(func() tea.Msg {
		_, err := e.Setup(context.Background(), l, nil)
		return taskSetupMsg{t: t, texts: e.Texts(l), err: err}
	}), t.spin.Tick)
}

// SetSize lays the task out for a terminal of w x h.
func (t *Task) SetSize(width, height int) {
	t.width, t.height = width, height
	t.layout()
}

func (t *Task) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		t.SetSize(msg.Width, msg.Height)
		return nil
	case spinner.TickMsg:
		if t.busy == "" {
			return nil // stop turning when idle; a new job restarts it
		}
		var cmd tea.Cmd
		t.spin, cmd = t.spin.Update(msg)
		return cmd
	case taskSetupMsg:
		return t.onSetup(msg)
	case taskChangeMsg:
		return t.onChange(msg)
	case taskGradedMsg:
		return t.onGraded(msg)
	case taskVerifiedMsg:
		return t.onVerified(msg)
	case taskHintMsg:
		return t.onHint(msg)
	case taskSolutionMsg:
		return t.onSolution(msg)
	case tea.KeyPressMsg:
		return t.onKey(msg)
	}
	var cmd tea.Cmd
	t.vp, cmd = t.vp.Update(msg)
	return cmd
}

func (t *Task) onSetup(msg taskSetupMsg) tea.Cmd {
	t.busy = ""
	t.texts, t.setupErr = msg.texts, msg.err
	t.ready = msg.err == nil
	t.layout()
	if t.afterJob() || !t.ready {
		return nil
	}
	return t.startWatch()
}

func (t *Task) onKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, t.keys.Quit):
		t.quit = true
		return nil
	case key.Matches(msg, t.keys.Help):
		t.help.ShowAll = !t.help.ShowAll
		t.layout()
		return nil
	case key.Matches(msg, t.keys.List):
		if t.busy != "" {
			// Another task's setup must not start under this one's.
			t.pending = "back"
			t.layout()
			return nil
		}
		t.stopWatch()
		t.back = true
		return nil
	}
	if t.busy != "" {
		return nil // one job at a time; the spinner says which
	}
	switch {
	case key.Matches(msg, t.keys.Restart):
		return t.start("starting over")
	case !t.ready:
		// Before setup ends, or after it failed: r, esc and q only.
	case key.Matches(msg, t.keys.Hint):
		return t.ask("asking for a hint", func(e Engine, l *engine.Lesson) tea.Msg {
			h, n, all, err := e.Hint(l)
			return taskHintMsg{t: t, hint: h, n: n, all: all, err: err}
		})
	case key.Matches(msg, t.keys.Solution):
		return t.ask("asking for the solution", func(e Engine, l *engine.Lesson) tea.Msg {
			sol, err := e.Solution(l)
			return taskSolutionMsg{t: t, sol: sol, err: err}
		})
	case key.Matches(msg, t.keys.Verify):
		return t.verify(false)
	default:
		var cmd tea.Cmd
		t.vp, cmd = t.vp.Update(msg)
		return cmd
	}
	return nil
}

// ask runs a key's engine call; its answer replaces the last one's note.
func (t *Task) ask(busy string, call func(Engine, *engine.Lesson) tea.Msg) tea.Cmd {
	t.note, t.err, t.busy = "", nil, busy
	t.layout()
	e, l := t.eng, t.lesson
	return tea.Batch(t.job(func() tea.Msg { return call(e, l) }), t.spin.Tick)
}

func (t *Task) onHint(msg taskHintMsg) tea.Cmd {
	t.busy = ""
	switch {
	case msg.err != nil:
		t.err = msg.err
	case msg.all == 0:
		t.note = msg.hint // "every check passes: nothing to hint at"
	default:
		h := shownHint{n: msg.n, all: msg.all, text: msg.hint}
		if k := len(t.hints); k > 0 && t.hints[k-1].n == h.n {
			t.hints[k-1] = h // the last hint repeats; a lesson's may change
		} else {
			t.hints = append(t.hints, h)
		}
		t.note = fmt.Sprintf("hint %d/%d", h.n, h.all)
	}
	return t.endJob(true)
}

func (t *Task) onSolution(msg taskSolutionMsg) tea.Cmd {
	t.busy = ""
	switch {
	case errors.Is(msg.err, engine.ErrNoAttempt):
		t.note = "try first: press v to verify"
	case msg.err != nil:
		t.err = msg.err
	default:
		t.solution = msg.sol
	}
	return t.endJob(msg.err == nil)
}

// endJob lays the task out after a key's job, showing what it added at
// the bottom, and does what waited for it.
func (t *Task) endJob(added bool) tea.Cmd {
	t.layout()
	if added {
		t.vp.GotoBottom()
	}
	if t.afterJob() {
		return nil
	}
	return t.maybeRecord()
}

// afterJob carries out a back chosen while the job that just ended ran.
func (t *Task) afterJob() bool {
	if t.pending == "back" {
		t.pending = ""
		t.stopWatch()
		t.back = true
		return true
	}
	return false
}
