package tui

import (
	"fmt"

	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
	"github.com/cnilab/lab/engine"
)

// lessonItem is a lesson in the picker.
type lessonItem struct {
	l    *engine.Lesson
	done bool
}

func (i lessonItem) Title() string {
	mark := "  "
	if i.done {
		mark = "✓ "
	}
	return mark + i.l.ID + " — " + i.l.Title
}

func (i lessonItem) Description() string {
	return fmt.Sprintf("  %d steps · %s", len(i.l.Steps), i.l.Summary)
}

// FilterValue is what / matches: the id and the title (a summary mentions
// other lessons' words, "the bridge plugin", and would rank them first).
func (i lessonItem) FilterValue() string { return i.l.ID + " " + i.l.Title }

// Picker is the lesson list `lab` opens with; `/` filters it.
type Picker struct {
	list   list.Model
	chosen *engine.Lesson
	quit   bool
}

// NewPicker lists the engine's lessons with their done marks.
func NewPicker(eng Engine, st Styles) *Picker {
	var items []list.Item
	for _, l := range eng.Lessons() {
		items = append(items, lessonItem{l: l, done: eng.Done(l.ID)})
	}
	return &Picker{list: newList(items, "cnilab — container networking, for real", st)}
}

// newList is a bubbles list as the TUI's lists are: titled, without a
// status bar, in the styles' colours or none.
func newList(items []list.Item, title string, st Styles) list.Model {
	d := list.NewDefaultDelegate()
	d.Styles = list.NewDefaultItemStyles(true)
	if !st.Color {
		d.Styles = plainItemStyles()
	}
	lm := list.New(items, d, 80, 20)
	lm.Title = title
	lm.SetShowStatusBar(false)
	// The app decides what quits; the list would re-enable its own quit
	// keys after every update otherwise.
	lm.DisableQuitKeybindings()
	if !st.Color {
		lm.Styles = plainListStyles()
		lm.Help.Styles = plainHelp()
		// The list copied its dots from the coloured styles when it was made.
		lm.Paginator.ActiveDot, lm.Paginator.InactiveDot = "•", "·"
	}
	return lm
}

func (p *Picker) SetSize(w, h int) { p.list.SetSize(w, h) }

func (p *Picker) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && p.list.FilterState() != list.Filtering {
		switch k.String() {
		case "q", "ctrl+c":
			p.quit = true
			return tea.Quit
		case "enter":
			if it, ok := p.list.SelectedItem().(lessonItem); ok {
				p.chosen = it.l
			}
			return nil
		}
	}
	var cmd tea.Cmd
	p.list, cmd = p.list.Update(msg)
	return cmd
}

func (p *Picker) View() string { return p.list.View() }

func plainItemStyles() list.DefaultItemStyles {
	s := list.NewDefaultItemStyles(true)
	for _, st := range []*lipglossStyle{&s.NormalTitle, &s.NormalDesc, &s.SelectedTitle, &s.SelectedDesc, &s.DimmedTitle, &s.DimmedDesc, &s.FilterMatch} {
		*st = plainOf(*st)
	}
	return s
}

func plainListStyles() list.Styles {
	s := list.DefaultStyles(true)
	s.Title = plainOf(s.Title)
	s.TitleBar = plainOf(s.TitleBar)
	s.DefaultFilterCharacterMatch = plainOf(s.DefaultFilterCharacterMatch)
	s.Spinner = plainOf(s.Spinner)
	s.StatusEmpty = plainOf(s.StatusEmpty)
	s.StatusBarActiveFilter = plainOf(s.StatusBarActiveFilter)
	s.StatusBarFilterCount = plainOf(s.StatusBarFilterCount)
	s.DividerDot = plainOf(s.DividerDot)
	s.ArabicPagination = plainOf(s.ArabicPagination)
	s.StatusBar = plainOf(s.StatusBar)
	s.NoItems = plainOf(s.NoItems)
	s.HelpStyle = plainOf(s.HelpStyle)
	s.PaginationStyle = plainOf(s.PaginationStyle)
	s.ActivePaginationDot = plainOf(s.ActivePaginationDot).SetString("•")
	s.InactivePaginationDot = plainOf(s.InactivePaginationDot).SetString("·")
	return s
}
