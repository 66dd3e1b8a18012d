package tui

import (
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/cnilab/lab/engine"
)

// App is the root model: the picker, then the walkthrough of the lesson
// picked (or the walkthrough alone, for `lab learn` and `lab demo`).
type App struct {
	eng    Engine
	st     Styles
	opt    WalkOptions
	picker *Picker
	walk   *Walk
	width  int
	height int
}

// NewApp opens on the picker when lesson is nil, else on that lesson.
func NewApp(eng Engine, st Styles, lesson *engine.Lesson, opt WalkOptions) *App {
	a := &App{eng: eng, st: st, opt: opt, width: 80, height: 24}
	if lesson != nil {
		a.walk = NewWalk(eng, lesson, st, opt)
	} else {
		a.picker = NewPicker(eng, st)
	}
	return a
}

func (a *App) Init() tea.Cmd {
	if a.walk != nil {
		return a.walk.Init()
	}
	return nil
}

func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		a.width, a.height = ws.Width, ws.Height
	}
	if a.walk != nil {
		_, cmd := a.walk.Update(msg)
		return a, cmd
	}
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		a.picker.SetSize(ws.Width, ws.Height)
		return a, nil
	}
	cmd := a.picker.Update(msg)
	if a.picker.chosen != nil {
		a.walk = NewWalk(a.eng, a.picker.chosen, a.st, a.opt)
		a.walk.SetSize(a.width, a.height)
		return a, a.walk.Init()
	}
	return a, cmd
}

func (a *App) View() tea.View {
	if a.walk != nil {
		return a.walk.View()
	}
	v := tea.NewView(a.picker.View())
	v.AltScreen = true
	v.WindowTitle = "lab"
	return v
}

// Options of Run.
type Options struct {
	Lesson *engine.Lesson // nil: open the picker (the practice list)
	Demo   bool
	Pace   time.Duration
	// Practice runs `lab practice`: lessons and scenarios as tasks with
	// live checks, instead of the walkthrough.
	Practice bool
}

// Run runs the TUI until the learner quits. Colour follows NO_COLOR.
func Run(eng Engine, opt Options) error {
	st := NewStyles(os.Getenv("NO_COLOR") == "", false)
	var m tea.Model = NewApp(eng, st, opt.Lesson, WalkOptions{Demo: opt.Demo, Pace: opt.Pace})
	if opt.Practice {
		m = NewPractice(eng, st, opt.Lesson)
	}
	_, err := tea.NewProgram(m).Run()
	return err
}
