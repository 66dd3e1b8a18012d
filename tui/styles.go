package tui

import (
	"charm.land/lipgloss/v2"
)

// Styles is every style of the TUI in one place (soft-serve's habit): the
// components take what they need from it, and tests build it without colour.
type Styles struct {
	Color bool // false under NO_COLOR and in golden tests

	App      lipgloss.Style
	Header   lipgloss.Style
	Title    lipgloss.Style
	Subtle   lipgloss.Style
	StepHead lipgloss.Style
	Section  lipgloss.Style
	Command  lipgloss.Style
	Prompt   lipgloss.Style
	Pass     lipgloss.Style
	Fail     lipgloss.Style
	Hint     lipgloss.Style
	Pane     lipgloss.Style
	PaneHead lipgloss.Style
	Error    lipgloss.Style
	Dialog   lipgloss.Style
	Key      lipgloss.Style
	Netns    lipgloss.Style
	Addr     lipgloss.Style

	// Lesson prose (markdown): headings, `code`, *emphasis*, **strong**,
	// [links](...).
	MdHeading lipgloss.Style
	MdCode    lipgloss.Style
	MdEmph    lipgloss.Style
	MdStrong  lipgloss.Style
	MdLink    lipgloss.Style
}

// NewStyles builds the styles; without colour they carry no colour at all,
// and plain also drops bold and faint, so golden views are plain text.
func NewStyles(color, plain bool) Styles {
	s := Styles{Color: color}
	c := func(st lipgloss.Style, col string) lipgloss.Style {
		if !color {
			return st
		}
		return st.Foreground(lipgloss.Color(col))
	}
	bold := func(st lipgloss.Style) lipgloss.Style {
		if plain {
			return st
		}
		return st.Bold(true)
	}
	faint := func(st lipgloss.Style) lipgloss.Style {
		if plain {
			return st
		}
		return st.Faint(true)
	}
	base := lipgloss.NewStyle()
	s.App = base
	s.Header = bold(c(base, "15"))
	s.Title = bold(c(base, "14"))
	s.Subtle = faint(c(base, "8"))
	s.StepHead = bold(c(base, "12"))
	s.Section = bold(c(base, "13"))
	s.Command = c(base, "6")
	s.Prompt = bold(c(base, "6"))
	s.Pass = c(base, "2")
	s.Fail = bold(c(base, "1"))
	s.Hint = c(base, "3")
	s.Pane = base.Border(lipgloss.RoundedBorder()).Padding(0, 1)
	s.PaneHead = bold(c(base, "14"))
	s.Error = base.Border(lipgloss.NormalBorder()).Padding(0, 1)
	s.Dialog = base.Border(lipgloss.DoubleBorder()).Padding(1, 3)
	s.Key = bold(c(base, "14"))
	s.Netns = bold(c(base, "13"))
	s.Addr = c(base, "3")
	s.MdHeading = bold(c(base, "14"))
	s.MdCode = c(base, "6")
	s.MdStrong = bold(base)
	s.MdEmph = base
	s.MdLink = c(base, "4")
	if !plain {
		s.MdEmph = s.MdEmph.Italic(true)
		s.MdLink = s.MdLink.Underline(true)
	}
	if color {
		s.Pane = s.Pane.BorderForeground(lipgloss.Color("8"))
		s.Error = s.Error.BorderForeground(lipgloss.Color("1"))
		s.Dialog = s.Dialog.BorderForeground(lipgloss.Color("14"))
	}
	return s
}
