package tui

import "charm.land/lipgloss/v2"

type lipglossStyle = lipgloss.Style

// plainOf keeps a style's layout (padding, borders, margins) and drops its
// colours and text attributes, for NO_COLOR and golden views.
func plainOf(s lipgloss.Style) lipgloss.Style {
	return s.UnsetForeground().UnsetBackground().UnsetBold().UnsetFaint().
		UnsetItalic().UnsetUnderline().UnsetBorderForeground().UnsetBorderBackground()
}
