package tui

import (
	"fmt"
	"strings"

	"charm.land/glamour/v2"
)

// markdown renders lesson prose with glamour, cached by width: rendering
// costs milliseconds, and a key press must answer within a frame.
type markdown struct {
	style string
	cache map[string]string
}

func newMarkdown(st Styles) *markdown {
	style := "notty"
	if st.Color {
		style = "dark"
	}
	return &markdown{style: style, cache: map[string]string{}}
}

func (m *markdown) render(text string, width int) string {
	if width < 20 {
		width = 20
	}
	k := fmt.Sprintf("%d\x00%s", width, text)
	if out, ok := m.cache[k]; ok {
		return out
	}
	out := text
	if r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(m.style), glamour.WithWordWrap(width)); err == nil {
		if s, err := r.Render(text); err == nil {
			out = s
		}
	}
	out = strings.Trim(out, "\n")
	m.cache[k] = out
	return out
}
