package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/cnilab/lab/engine"
)

// Practice is the root model of `lab practice`: the list of lessons and
// scenarios, the task opened from it, and the list again on esc.
type Practice struct {
	eng  Engine
	st   Styles
	keys KeyMap
	list *TaskList
	task *Task // nil: the list is on screen

	width, height int
	// jobs counts the engine calls running, of this task or of one left:
	// quitting waits for them, since the session closes once Run returns.
	jobs     int
	quitting bool
}

// NewPractice opens on the list, or on the task open when it is given
// (`lab practice ID`); esc goes to the list either way.
func NewPractice(eng Engine, st Styles, open *engine.Lesson) *Practice {
	p := &Practice{eng: eng, st: st, keys: NewKeyMap(false), width: 80, height: 24}
	p.list = NewTaskList(eng, st, p.keys)
	p.list.SetSize(p.width, p.height)
	if open != nil {
		p.task = NewTask(eng, open, st, p.keys, &p.jobs)
	}
	return p
}

func (p *Practice) Init() tea.Cmd {
	if p.task != nil {
		return p.task.Init()
	}
	return nil
}

func (p *Practice) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		p.width, p.height = ws.Width, ws.Height
		p.list.SetSize(ws.Width, ws.Height)
		if p.task != nil {
			p.task.SetSize(ws.Width, ws.Height)
		}
		return p, nil
	}
	if m, ok := msg.(taskMsg); ok {
		if isJob(m) {
			p.jobs--
		}
		if m.task() != p.task || p.quitting {
			return p, p.leaveWhenIdle() // a task left: its late answers are dropped
		}
	}
	if p.quitting {
		return p, nil
	}
	if p.task != nil {
		cmd := p.task.Update(msg)
		switch {
		case p.task.quit:
			return p, tea.Batch(cmd, p.leave())
		case p.task.back:
			p.task = nil
			return p, tea.Batch(cmd, p.list.refresh()) // a task solved is marked done
		}
		return p, cmd
	}
	cmd := p.list.Update(msg)
	switch {
	case p.list.quit:
		return p, p.leave()
	case p.list.chosen != nil:
		l := p.list.chosen
		p.list.chosen = nil
		p.task = NewTask(p.eng, l, p.st, p.keys, &p.jobs)
		p.task.SetSize(p.width, p.height)
		return p, p.task.Init()
	}
	return p, cmd
}

// leave quits once no engine call runs: the lab stays as it is, for lab
// verify and lab shell.
func (p *Practice) leave() tea.Cmd {
	p.quitting = true
	if p.task != nil {
		p.task.stopWatch()
		p.task.pending = "quit"
		p.task.layout()
	}
	return p.leaveWhenIdle()
}

func (p *Practice) leaveWhenIdle() tea.Cmd {
	if p.quitting && p.jobs == 0 {
		return tea.Quit
	}
	return nil
}

func (p *Practice) View() tea.View {
	if p.task != nil {
		return p.task.View()
	}
	v := tea.NewView(p.list.View())
	v.AltScreen = true
	v.WindowTitle = "lab practice"
	return v
}
