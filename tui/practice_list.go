package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/cnilab/lab/engine"
)

// taskItem is a lesson or a scenario in the practice list.
type taskItem struct {
	l       *engine.Lesson
	done    bool
	symptom string // a scenario's, on one line
}

func (i taskItem) Title() string {
	mark := "  "
	if i.done {
		mark = "✓ "
	}
	return mark + i.l.ID + " — " + i.l.Title
}

// Description says what kind of task it is: a lesson is built from its
// given state, a scenario is a fault in a lesson's end state, told by its
// symptom (the delegate cuts it to the width).
func (i taskItem) Description() string {
	if i.l.Scenario() {
		return "  fix · " + i.l.Extends + " · " + i.symptom
	}
	return "  build · " + i.l.Summary
}

// FilterValue is what / matches: the id and the title, as the picker's.
func (i taskItem) FilterValue() string { return i.l.ID + " " + i.l.Title }

// TaskList is the list `lab practice` opens with: the lessons, then the
// scenarios, each with its done mark; `/` filters, enter opens.
type TaskList struct {
	eng    Engine
	keys   KeyMap
	list   list.Model
	width  int
	chosen *engine.Lesson
	quit   bool
}

// NewTaskList lists the engine's tasks. Tasks, Done and Symptom read no
// kernel state: the list may be built in Update.
func NewTaskList(eng Engine, st Styles, keys KeyMap) *TaskList {
	p := &TaskList{eng: eng, keys: keys, width: 80}
	p.list = newList(p.items(), "cnilab practice — build it, or find the fault", st)
	p.list.AdditionalShortHelpKeys = keys.listHelp
	p.list.AdditionalFullHelpKeys = keys.listHelp
	return p
}

func (p *TaskList) items() []list.Item {
	var items []list.Item
	for _, l := range p.eng.Tasks() {
		it := taskItem{l: l, done: p.eng.Done(l.ID)}
		if l.Scenario() {
			it.symptom = oneLine(p.eng.Symptom(l))
		}
		items = append(items, it)
	}
	return items
}

// refresh reads the done marks again, after a task was solved.
func (p *TaskList) refresh() tea.Cmd { return p.list.SetItems(p.items()) }

// SetSize sizes the list. Its help bar is indented by 2 but measured to
// the full width, and bubbles' help adds an item that overflows when its
// "…" would not fit either: the help gets the width it really has, and
// View cuts what still overflows.
func (p *TaskList) SetSize(w, h int) {
	p.width = w
	p.list.SetSize(w, h)
	p.list.Help.SetWidth(max(0, w-2))
}

// Update gives the list every key but enter and quit, which are ours;
// while the filter is typed, every key is the filter's.
func (p *TaskList) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && p.list.FilterState() != list.Filtering {
		switch {
		case key.Matches(k, p.keys.Quit):
			p.quit = true
			return nil
		case key.Matches(k, p.keys.Open):
			if it, ok := p.list.SelectedItem().(taskItem); ok {
				p.chosen = it.l
			}
			return nil
		}
	}
	var cmd tea.Cmd
	p.list, cmd = p.list.Update(msg)
	return cmd
}

func (p *TaskList) View() string {
	lines := strings.Split(p.list.View(), "\n")
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, p.width, "…")
	}
	return strings.Join(lines, "\n")
}

// oneLine flattens a markdown text to one plain line for a list row.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "`", "")), " ")
}
