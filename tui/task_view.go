package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/cnilab/lab/engine"
)

// A task on screen: a header, the body (scrolled by the viewport) and the
// footer with the status line and the help bar. Rendering reads only the
// task's fields: the engine's answers came in messages.

// layout sizes the body for the terminal and refreshes it.
func (t *Task) layout() {
	t.help.SetWidth(t.width)
	t.vp.SetWidth(t.width)
	t.vp.SetHeight(max(3, t.height-2-lipgloss.Height(t.footer())))
	t.vp.SetContent(t.content(t.width - 1))
}

func (t *Task) View() tea.View {
	v := tea.NewView(t.render())
	v.AltScreen = true
	v.WindowTitle = "lab practice · " + t.lesson.ID
	return v
}

func (t *Task) render() string {
	return lipgloss.JoinVertical(lipgloss.Left, t.header(), t.vp.View(), t.footer())
}

func (t *Task) header() string {
	st := t.st
	left := st.Header.Render("cnilab practice") + " · " + st.Title.Render(t.lesson.ID) + " " + st.Subtle.Render("— "+t.lesson.Title)
	right := "lesson"
	if t.lesson.Scenario() {
		right = "scenario"
	}
	switch {
	case t.setupErr != nil:
		right += " · setup failed"
	case !t.ready:
		right += " · setup"
	case t.solved:
		right += " · solved"
	case t.live != nil:
		right += fmt.Sprintf(" · %d/%d checks", passedChecks(t.live.Checks), len(t.live.Checks))
	}
	if t.scope != engine.DefaultScope {
		right += "  scope " + t.scope
	}
	gap := t.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		left = truncate(left, max(0, t.width-lipgloss.Width(right)-1))
		gap = max(1, t.width-lipgloss.Width(left)-lipgloss.Width(right))
	}
	return left + strings.Repeat(" ", gap) + right + "\n" + st.Subtle.Render(strings.Repeat("─", t.width))
}

// footer is the status line (the job running, the answer to the last key,
// an error) and the help bar.
func (t *Task) footer() string {
	st := t.st
	status := ""
	switch {
	case t.busy != "":
		status = t.spin.View() + " " + t.busy + "…"
		switch t.pending {
		case "back":
			status += " then back to the list"
		case "quit":
			status += " then quit"
		}
	case t.err != nil:
		status = st.Fail.Render(wrap("error: "+t.err.Error(), t.width, "  "))
	case t.note != "":
		status = st.Hint.Render(wrap(t.note, t.width, "  "))
	}
	// bubbles' help adds an item that overflows when its "…" would not fit
	// either: the bar is cut to the width here.
	bar := strings.Split(t.help.View(taskHelp{t.keys}), "\n")
	for i, l := range bar {
		bar[i] = ansi.Truncate(l, t.width, "…")
	}
	return status + "\n" + strings.Join(bar, "\n")
}

// content is the body: the banner of a solved task, the symptom, the task,
// where to work, the live checks, then the hints and the solution shown.
func (t *Task) content(width int) string {
	st := t.st
	var b strings.Builder
	if t.setupErr != nil {
		return st.Fail.Render("The task could not be set up.") + "\n\n" + wrap(t.setupErr.Error(), width, "") + "\n\n" +
			st.Subtle.Render("r tries again · esc goes back to the list")
	}
	if t.solved {
		b.WriteString(t.banner(width) + "\n")
	}
	if t.symptom != "" {
		b.WriteString(st.Section.Render("Symptom") + "\n" + t.md.render(t.symptom, width) + "\n\n")
	}
	if !t.ready {
		b.WriteString(st.Subtle.Render(t.busy + "…")) // the footer's spinner turns
		return b.String()
	}
	b.WriteString(st.Section.Render("Task") + "\n" + t.md.render(t.texts.Task, width) + "\n\n")
	b.WriteString(st.Section.Render("Work in another terminal") + "  " + st.Command.Render(shellCommand(t.scope)) + "\n\n")
	b.WriteString(t.checksContent(width))
	for i, h := range t.hints {
		if i == 0 {
			b.WriteString("\n" + st.Section.Render("Hints") + "\n")
		}
		b.WriteString(t.md.render(fmt.Sprintf("**hint %d/%d:** %s", h.n, h.all, h.text), width) + "\n")
	}
	if t.solution != "" {
		b.WriteString("\n" + st.Section.Render("Solution") + st.Subtle.Render(" (type it in lab shell)") + "\n")
		for _, line := range strings.Split(strings.TrimRight(t.solution, "\n"), "\n") {
			switch {
			case strings.TrimSpace(line) == "":
			case strings.HasPrefix(strings.TrimSpace(line), "#"):
				b.WriteString("  " + st.Subtle.Render(wrap(line, width-2, "    ")) + "\n")
			default:
				b.WriteString("  " + st.Prompt.Render("$") + " " + st.Command.Render(wrap(line, width-4, "    ")) + "\n")
			}
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// checksContent is the end-state checks as they stand now.
func (t *Task) checksContent(width int) string {
	st := t.st
	head := st.Section.Render("Checks") + st.Subtle.Render(" (live: they re-run as the kernel changes)")
	if t.solved {
		head = st.Section.Render("Checks")
	}
	switch {
	case t.liveErr != nil:
		return head + "\n  " + st.Fail.Render(wrap(t.liveErr.Error(), width-2, "  ")) + "\n"
	case t.live == nil:
		return head + "\n  " + st.Subtle.Render("checking…") + "\n"
	}
	return head + "\n" + renderChecks(st, t.live.Checks, width)
}

// banner says, at the top, that the task is solved and what next.
func (t *Task) banner(width int) string {
	st := t.st
	// Progress is the learner's own scope's: a test or exam scope keeps none.
	recorded := ", and it is recorded as done."
	if t.scope != engine.DefaultScope {
		recorded = " (progress is kept for scope " + engine.DefaultScope + " only)."
	}
	text := st.Pass.Render("✓ Solved") + ": every check passes" + recorded + "\n" +
		st.Subtle.Render("esc: another task · r: start over · q: quit (the lab stays)")
	return st.Pane.Width(width).Render(text)
}

func passedChecks(cs []engine.CheckResult) int {
	n := 0
	for _, c := range cs {
		if c.Passed {
			n++
		}
	}
	return n
}
