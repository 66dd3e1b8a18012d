package tui

import "charm.land/bubbles/v2/key"

// KeyMap is every key of the TUI (soft-serve's habit): the help bar lists
// them, so a key the learner can press is always on the screen.
type KeyMap struct {
	Next     key.Binding
	ByHand   key.Binding
	Prev     key.Binding
	Verify   key.Binding
	Topology key.Binding
	Capture  key.Binding
	Pause    key.Binding
	Scroll   key.Binding
	Help     key.Binding
	Quit     key.Binding
	Back     key.Binding
	Keep     key.Binding
	Reset    key.Binding

	// `lab practice`: the list opens a task; in a task h, s and r act on
	// it and esc or b go back to the list. The list's own keys (bubbles'
	// list binds h and l to pages) are never these, since a key reaches
	// one view only.
	Open     key.Binding
	Hint     key.Binding
	Solution key.Binding
	Restart  key.Binding
	List     key.Binding
}

// NewKeyMap returns the walkthrough's keys; demo adds pause.
func NewKeyMap(demo bool) KeyMap {
	k := KeyMap{
		Next:     key.NewBinding(key.WithKeys("n", "enter"), key.WithHelp("n", "next")),
		ByHand:   key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "do it")),
		Prev:     key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "back")),
		Verify:   key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "verify")),
		Topology: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "topology")),
		Capture:  key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "capture")),
		Pause:    key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "pause"), key.WithDisabled()),
		Scroll:   key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓", "scroll")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Back:     key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close")),
		Keep:     key.NewBinding(key.WithKeys("k"), key.WithHelp("k", "keep the lab")),
		Reset:    key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "reset it")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Hint:     key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "hint")),
		Solution: key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "solution")),
		Restart:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "start over")),
		List:     key.NewBinding(key.WithKeys("esc", "b"), key.WithHelp("esc/b", "list")),
	}
	if demo {
		k.Pause.SetEnabled(true)
		k.ByHand.SetEnabled(false) // a demo plays by itself
	}
	return k
}

// ShortHelp is the help bar.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.ByHand, k.Prev, k.Verify, k.Topology, k.Capture, k.Pause, k.Help, k.Quit}
}

// FullHelp is the ? view.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Next, k.ByHand, k.Prev, k.Scroll},
		{k.Verify, k.Topology, k.Capture, k.Pause},
		{k.Help, k.Back, k.Quit},
	}
}

// taskHelp is the help of a task in `lab practice`: the same KeyMap, the
// keys a task answers to.
type taskHelp struct{ k KeyMap }

func (h taskHelp) ShortHelp() []key.Binding {
	k := h.k
	return []key.Binding{k.Hint, k.Solution, k.Verify, k.Restart, k.List, k.Help, k.Quit}
}

func (h taskHelp) FullHelp() [][]key.Binding {
	k := h.k
	return [][]key.Binding{
		{k.Hint, k.Solution, k.Verify},
		{k.Restart, k.List, k.Scroll},
		{k.Help, k.Quit},
	}
}

// listHelp is what the practice list adds to the list's own help (↑/↓,
// pages, / filter, ? more): how to open a task and how to leave.
func (k KeyMap) listHelp() []key.Binding { return []key.Binding{k.Open, k.Quit} }
