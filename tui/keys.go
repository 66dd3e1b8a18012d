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
