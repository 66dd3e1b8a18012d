package tui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/netops/snapshot"
)

// mode is what the walkthrough's body shows.
type mode int

const (
	modeStep   mode = iota // a step: its prose, then what applying it did
	modeVerify             // the verify report
	modeQuit               // the quit dialog: keep or reset
)

// stepState is what is known of one step.
type stepState struct {
	applied bool
	res     engine.StepResult
	err     error
	took    time.Duration

	byHand     bool                 // left to the learner (y)
	doneByHand bool                 // its checks passed without lab applying it
	live       []engine.CheckResult // the by-hand checks as they stand now
	liveErr    error
}

// Walk is the walkthrough of one lesson, and in demo mode its player.
type Walk struct {
	eng    Engine
	lesson *engine.Lesson
	st     Styles
	keys   KeyMap
	md     *markdown

	width, height int
	cursor        int // the step on screen
	steps         []stepState
	texts         engine.Texts // the lesson's texts for this scope, from the engine
	ready         bool         // setup done
	busy          string
	mode          mode
	showTopo      bool
	showCapture   bool
	topo          *snapshot.Snapshot
	topoErr       error
	report        *engine.Report
	err           error
	quitting      bool
	pendingQuit   string // "keep" or "reset", chosen while a kernel job ran

	// The watch of a by-hand step (byhand.go).
	watch       <-chan struct{}
	watchCancel func()
	watchGen    int
	checking    bool // a live grading runs
	recheck     bool // the kernel changed during it

	demo   bool
	pace   time.Duration
	paused bool
	gen    int // demo tick generation, so a stale tick does nothing

	spin spinner.Model
	bar  progress.Model
	vp   viewport.Model
	help help.Model
}

// WalkOptions configure a walkthrough.
type WalkOptions struct {
	Demo bool
	Pace time.Duration
}

// NewWalk builds the walkthrough of a lesson; Init sets the lesson up.
func NewWalk(eng Engine, l *engine.Lesson, st Styles, opt WalkOptions) *Walk {
	w := &Walk{
		eng: eng, lesson: l, st: st, keys: NewKeyMap(opt.Demo), md: newMarkdown(st),
		steps: make([]stepState, len(l.Steps)), demo: opt.Demo, pace: opt.Pace,
		spin: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		bar:  progress.New(progress.WithoutPercentage(), progress.WithFillCharacters('━', '─')),
		help: help.New(),
		busy: "setting up the lab",
	}
	if !st.Color {
		w.bar = progress.New(progress.WithoutPercentage(), progress.WithFillCharacters('#', '-'), progress.WithColors(nil))
		w.bar.FullColor, w.bar.EmptyColor = nil, nil
		w.help.Styles = plainHelp()
	}
	w.vp = viewport.New()
	w.vp.KeyMap = viewportKeys()
	if w.pace <= 0 {
		w.pace = 3 * time.Second
	}
	w.SetSize(80, 24)
	return w
}

func (w *Walk) Init() tea.Cmd {
	return tea.Batch(setupCmd(w.eng, w.lesson), w.spin.Tick)
}

// SetSize lays the walkthrough out for a terminal of w x h.
func (w *Walk) SetSize(width, height int) {
	w.width, w.height = width, height
	w.layout()
}

func (w *Walk) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		w.SetSize(msg.Width, msg.Height)
		return w, nil
	case spinner.TickMsg:
		if w.busy == "" {
			return w, nil // stop turning when idle; a new job restarts it
		}
		var cmd tea.Cmd
		w.spin, cmd = w.spin.Update(msg)
		return w, cmd
	case setupDoneMsg:
		w.busy = ""
		w.texts = msg.texts
		w.err = msg.err
		w.ready = msg.err == nil
		w.layout()
		if cmd := w.afterJob(); cmd != nil {
			return w, cmd
		}
		return w, tea.Batch(w.refreshTopo(), w.demoTick())
	case stepDoneMsg:
		w.busy = ""
		w.steps[msg.step] = stepState{applied: msg.err == nil, res: msg.res, err: msg.err, took: msg.took}
		w.texts = msg.texts
		w.err = msg.err
		if msg.err != nil && w.demo {
			// A demo stops on a failed step for the instructor to explain;
			// space goes on (and tries the step again).
			w.paused = true
		}
		w.layout()
		w.vp.GotoBottom()
		if cmd := w.afterJob(); cmd != nil {
			return w, cmd
		}
		return w, tea.Batch(w.refreshTopo(), w.demoTick())
	case verifyDoneMsg:
		w.busy = ""
		if cmd := w.afterJob(); cmd != nil {
			return w, cmd
		}
		if msg.err != nil {
			w.err = msg.err
		} else {
			w.report, w.mode = &msg.rep, modeVerify
		}
		w.layout()
		return w, nil
	case topoMsg:
		w.topoErr = msg.err
		if msg.err == nil {
			w.topo = &msg.snap
		}
		w.layout()
		return w, nil
	case resetDoneMsg:
		w.busy = ""
		if msg.err != nil {
			w.err, w.mode = msg.err, modeStep
			w.layout()
			return w, nil
		}
		w.quitting = true
		return w, tea.Quit
	case demoTickMsg:
		return w, w.onDemoTick(msg)
	case liveChangeMsg:
		return w, w.onLiveChange(msg)
	case liveCheckedMsg:
		return w, w.onLiveChecked(msg)
	case tea.KeyPressMsg:
		return w, w.onKey(msg)
	}
	var cmd tea.Cmd
	w.vp, cmd = w.vp.Update(msg)
	return w, cmd
}

func (w *Walk) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if w.mode == modeQuit {
		switch {
		case key.Matches(msg, w.keys.Keep), msg.String() == "ctrl+c":
			return w.quit("keep")
		case key.Matches(msg, w.keys.Reset):
			return w.quit("reset")
		case key.Matches(msg, w.keys.Back), msg.String() == "n":
			w.mode = modeStep
			w.layout()
		}
		return nil
	}
	switch {
	case key.Matches(msg, w.keys.Quit):
		if msg.String() == "ctrl+c" && w.busy == "" {
			w.quitting = true
			return tea.Quit // ctrl+c leaves at once and keeps the lab
		}
		w.mode = modeQuit
		w.layout()
		return nil
	case key.Matches(msg, w.keys.Help):
		w.help.ShowAll = !w.help.ShowAll
		w.layout()
		return nil
	case key.Matches(msg, w.keys.Back):
		w.mode = modeStep
		if w.ready {
			w.err = nil // dismiss; a failed setup stays on screen
		}
		w.layout()
		return nil
	case key.Matches(msg, w.keys.Topology):
		w.showTopo = !w.showTopo
		w.layout()
		return w.refreshTopo()
	case key.Matches(msg, w.keys.Capture):
		w.showCapture = !w.showCapture
		w.layout()
		return nil
	case key.Matches(msg, w.keys.Pause):
		w.paused = !w.paused
		w.layout()
		return w.demoTick()
	}
	if w.busy != "" || !w.ready {
		return nil // one kernel job at a time; the spinner says which
	}
	switch {
	case key.Matches(msg, w.keys.Next):
		w.stopWatch()
		return w.next()
	case key.Matches(msg, w.keys.ByHand) && w.mode == modeStep:
		return w.byHand()
	case key.Matches(msg, w.keys.Prev):
		if w.mode == modeStep && w.cursor > 0 {
			w.cursor--
		}
		w.mode = modeStep
		w.layout()
		w.vp.GotoTop()
		return nil
	case key.Matches(msg, w.keys.Verify):
		if w.mode == modeVerify {
			w.mode = modeStep
			w.layout()
			return nil
		}
		w.busy = "verifying"
		w.layout()
		return tea.Batch(verifyCmd(w.eng, w.lesson), w.spin.Tick)
	}
	var cmd tea.Cmd
	w.vp, cmd = w.vp.Update(msg)
	return cmd
}

// next applies the step on screen, or, when it is applied, shows the next.
func (w *Walk) next() tea.Cmd {
	w.mode = modeStep
	w.err = nil
	if w.cursor < len(w.steps) && !w.steps[w.cursor].applied {
		w.busy = fmt.Sprintf("applying step %d", w.cursor+1)
		w.layout()
		return tea.Batch(stepCmd(w.eng, w.lesson, w.cursor), w.spin.Tick)
	}
	if w.cursor < len(w.steps) {
		w.cursor++
		w.layout()
		w.vp.GotoTop()
	}
	return w.demoTick()
}

// quit leaves the walkthrough, keeping the lab or resetting it. While a
// kernel job runs the choice waits for it: one job at a time on a session,
// and the session must not close under a running step.
func (w *Walk) quit(how string) tea.Cmd {
	if w.busy != "" {
		w.pendingQuit = how
		w.layout()
		return nil
	}
	if how == "reset" {
		w.busy = "resetting the lab"
		w.layout()
		return tea.Batch(resetCmd(w.eng), w.spin.Tick)
	}
	w.stopWatch()
	w.quitting = true
	return tea.Quit
}

// afterJob carries out a quit chosen while the job that just ended ran.
func (w *Walk) afterJob() tea.Cmd {
	if how := w.pendingQuit; how != "" {
		w.pendingQuit = ""
		return w.quit(how)
	}
	return nil
}

func (w *Walk) refreshTopo() tea.Cmd {
	if !w.showTopo || !w.ready {
		return nil
	}
	return topoCmd(w.eng, w.lesson)
}

// demoTick schedules the demo's next key press after the pace.
func (w *Walk) demoTick() tea.Cmd {
	if !w.demo || w.paused || w.finished() {
		return nil
	}
	w.gen++
	gen := w.gen
	return tea.Tick(w.pace, func(time.Time) tea.Msg { return demoTickMsg{gen: gen} })
}

func (w *Walk) onDemoTick(msg demoTickMsg) tea.Cmd {
	if msg.gen != w.gen || w.paused || w.busy != "" || !w.ready || w.mode == modeQuit {
		return nil
	}
	return w.next()
}

// finished is true once the last step is applied and the end is on screen.
func (w *Walk) finished() bool { return w.cursor >= len(w.steps) }

// applied counts the steps applied so far.
func (w *Walk) applied() int {
	n := 0
	for _, s := range w.steps {
		if s.applied {
			n++
		}
	}
	return n
}

// Quitting reports that the learner left (keeping or resetting the lab).
func (w *Walk) Quitting() bool { return w.quitting }
