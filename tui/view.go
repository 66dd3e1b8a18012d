package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/tui/topo"
)

// wideTopo is the width from which the topology pane sits beside the step
// instead of below it.
const wideTopo = 110

// layout sizes the panes for the terminal and refreshes the body.
func (w *Walk) layout() {
	w.help.SetWidth(w.width)
	w.bar.SetWidth(w.width)
	mainW, bodyH := w.width, w.bodyHeight()
	if w.side() {
		if w.width >= wideTopo {
			mainW = w.width - w.topoWidth() - 1
		} else {
			bodyH -= w.topoHeight()
		}
	}
	if bodyH < 3 {
		bodyH = 3
	}
	w.vp.SetWidth(mainW)
	w.vp.SetHeight(bodyH)
	w.vp.SetContent(w.content(mainW - 1))
}

func (w *Walk) content(width int) string {
	switch {
	case w.mode == modeVerify && w.report != nil:
		return w.verifyContent(width)
	case !w.ready && w.err == nil:
		return fmt.Sprintf("%s %s…", w.spin.View(), w.busy)
	case !w.ready:
		return w.st.Fail.Render("The lab could not be set up.") + "\n\n" + wrap(w.err.Error(), width, "")
	case w.finished():
		return w.finishedContent()
	}
	return w.stepContent(w.cursor, width)
}

func (w *Walk) topoWidth() int  { return w.width / 2 }
func (w *Walk) topoHeight() int { return max(8, w.bodyHeight()*3/5) }

// bodyHeight is what is left between the header and the footer.
func (w *Walk) bodyHeight() int {
	return w.height - 2 - lipgloss.Height(w.footer())
}

func (w *Walk) View() tea.View {
	v := tea.NewView(w.render())
	v.AltScreen = true
	v.WindowTitle = "lab · " + w.lesson.ID
	return v
}

func (w *Walk) render() string {
	body := w.vp.View()
	if w.mode == modeQuit {
		body = lipgloss.Place(w.width, w.vp.Height(), lipgloss.Center, lipgloss.Center, w.quitDialog())
	}
	if w.side() {
		if w.width >= wideTopo {
			body = lipgloss.JoinHorizontal(lipgloss.Top, body, " ", w.sidePanes(w.topoWidth(), w.vp.Height()))
		} else {
			body = lipgloss.JoinVertical(lipgloss.Left, body, w.sidePanes(w.width, w.topoHeight()))
		}
	}
	return lipgloss.JoinVertical(lipgloss.Left, w.header(), body, w.footer())
}

func (w *Walk) header() string {
	left := w.st.Header.Render("cnilab") + " · " + w.st.Title.Render(w.lesson.ID) + " " + w.st.Subtle.Render("— "+w.lesson.Title)
	var right string
	switch {
	case !w.ready:
		right = "setup"
	case w.finished():
		right = "done"
	default:
		right = fmt.Sprintf("step %d/%d", w.cursor+1, len(w.steps))
	}
	if w.demo {
		state := "▶ demo"
		switch {
		case w.finished():
			state = "■ demo over"
		case w.paused:
			state = "⏸ paused"
		}
		right = state + "  " + right
	}
	if scope := w.eng.ScopeName(); scope != "lab" {
		right += "  scope " + scope
	}
	gapW := w.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gapW < 1 {
		left = truncate(left, max(0, w.width-lipgloss.Width(right)-1))
		gapW = max(1, w.width-lipgloss.Width(left)-lipgloss.Width(right))
	}
	pct := float64(w.applied()) / float64(max(1, len(w.steps)))
	return left + strings.Repeat(" ", gapW) + right + "\n" + w.bar.ViewAs(pct)
}

func (w *Walk) footer() string {
	var parts []string
	if w.err != nil && w.ready {
		parts = append(parts, w.st.Error.Width(w.width).Render(wrap("error: "+w.err.Error(), w.width-4, "")))
	}
	status := ""
	if w.busy != "" {
		status = w.spin.View() + " " + w.busy + "…"
	}
	parts = append(parts, status, w.help.View(w.keys))
	return strings.Join(parts, "\n")
}

func (w *Walk) quitDialog() string {
	st := w.st
	keep, reset := "keep the lab in place (lab verify, lab shell still work)", "reset it: remove everything the lab made"
	dialog := st.Dialog
	if w.width < 72 {
		// Narrow terminals get the short words and less padding.
		keep, reset = "keep the lab", "reset it"
		dialog = dialog.Padding(0, 1)
	}
	text := st.Title.Render("Leave the walkthrough?") + "\n\n" +
		st.Key.Render("k") + "  " + keep + "\n" +
		st.Key.Render("r") + "  " + reset + "\n" +
		st.Key.Render("esc") + "  stay"
	if w.pendingQuit != "" {
		text += "\n\n" + st.Subtle.Render("finishing "+w.busy+" first…")
	}
	return dialog.Render(text)
}

// side reports whether a pane sits beside (or below) the step.
func (w *Walk) side() bool { return w.showTopo || w.showCapture }

// sidePanes stacks the panes that are open in the room beside the step.
func (w *Walk) sidePanes(width, height int) string {
	switch {
	case w.showTopo && w.showCapture:
		top := height * 3 / 5
		return lipgloss.JoinVertical(lipgloss.Left, w.topoPane(width, top), w.capturePane(width, height-top))
	case w.showCapture:
		return w.capturePane(width, height)
	}
	return w.topoPane(width, height)
}

// capturePane shows what the capture checks on screen saw: the step's, or
// verify's when its report is shown.
func (w *Walk) capturePane(width, height int) string {
	st := w.st
	var checks []engine.CheckResult
	switch {
	case w.mode == modeVerify && w.report != nil:
		checks = w.report.Checks
	case w.cursor < len(w.steps):
		checks = w.steps[w.cursor].res.Checks
	}
	var lines []string
	for _, c := range checks {
		if len(c.Captured) == 0 {
			continue
		}
		lines = append(lines, truncate(c.Title, width-4))
		for _, l := range c.Captured {
			lines = append(lines, "  "+truncate(l, width-6))
		}
	}
	if len(lines) == 0 {
		lines = []string{st.Subtle.Render("no capture in this step: the steps that watch packets show them here")}
	}
	lines = append([]string{st.PaneHead.Render("capture (packets seen while the probe ran)")}, lines...)
	if len(lines) > height-2 {
		lines = append(lines[:max(1, height-3)], st.Subtle.Render("…"))
	}
	return st.Pane.Width(width).Height(height).Render(strings.Join(lines, "\n"))
}

func (w *Walk) topoPane(width, height int) string {
	st := w.st
	inner := width - 4
	var body string
	switch {
	case w.topoErr != nil:
		body = st.Fail.Render(w.topoErr.Error())
	case w.topo == nil:
		body = st.Subtle.Render("reading the kernel…")
	default:
		style := topo.Style{}
		if st.Color {
			style = topo.Style{Netns: one(st.Netns), Addr: one(st.Addr), Up: one(st.Pass), Down: one(st.Fail)}
		}
		body = topo.RenderStyled(*w.topo, inner, style)
	}
	body = st.PaneHead.Render("topology (live kernel state)") + "\n" + body
	lines := strings.Split(body, "\n")
	if len(lines) > height-2 {
		lines = append(lines[:max(1, height-3)], st.Subtle.Render("…"))
	}
	return st.Pane.Width(width).Height(height).Render(strings.Join(lines, "\n"))
}

func truncate(s string, width int) string {
	if lipgloss.Width(s) <= width {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && lipgloss.Width(string(r)) > width-1 {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

func plainHelp() help.Styles {
	return help.Styles{}
}

// viewportKeys scroll the step with arrows and page keys only: space is the
// demo's pause, and letters are the walkthrough's keys.
func viewportKeys() viewport.KeyMap {
	return viewport.KeyMap{
		PageDown:     key.NewBinding(key.WithKeys("pgdown")),
		PageUp:       key.NewBinding(key.WithKeys("pgup")),
		HalfPageUp:   key.NewBinding(key.WithKeys("ctrl+u")),
		HalfPageDown: key.NewBinding(key.WithKeys("ctrl+d")),
		Up:           key.NewBinding(key.WithKeys("up")),
		Down:         key.NewBinding(key.WithKeys("down")),
		Left:         key.NewBinding(key.WithKeys("left")),
		Right:        key.NewBinding(key.WithKeys("right")),
	}
}

// one adapts a style to the topology renderer's hook.
func one(s lipglossStyle) func(string) string {
	return func(x string) string { return s.Render(x) }
}
