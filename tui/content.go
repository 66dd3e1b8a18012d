package tui

import (
	"fmt"
	"strings"
	"time"

	"github.com/cnilab/lab/engine"
	"github.com/cnilab/lab/netops/snapshot"
)

// stepContent is the body of a step: its prose, then what applying it did.
func (w *Walk) stepContent(i, width int) string {
	st, l := w.st, w.lesson
	title, prose := w.text(i)
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %s\n\n", st.StepHead.Render(fmt.Sprintf("Step %d/%d", i+1, len(l.Steps))), st.Title.Render(title))
	if prose = strings.TrimSpace(prose); prose != "" {
		b.WriteString(w.md.render(prose, width) + "\n")
	}
	s := w.steps[i]
	switch {
	case s.byHand && (!s.applied || s.doneByHand) && !(w.busy != "" && i == w.cursor):
		b.WriteString(w.gap())
		b.WriteString(w.byHandContent(i, s, width))
	case w.busy != "" && i == w.cursor && !s.applied && s.err == nil:
		fmt.Fprintf(&b, "\n%s %s…\n", w.spin.View(), w.busy)
	case s.applied || s.err != nil:
		b.WriteString(w.gap())
		b.WriteString(w.result(s, width))
	case w.ready:
		b.WriteString(w.gap() + st.Subtle.Render("press n to apply this step") + "\n")
	}
	return b.String()
}

// text is step i's title and prose as the engine rendered them for this
// scope; before setup has answered, the title as written and no prose (its
// templates are not filled in yet).
func (w *Walk) text(i int) (title, prose string) {
	if i < len(w.texts.Titles) && i < len(w.texts.Prose) {
		return w.texts.Titles[i], w.texts.Prose[i]
	}
	return w.lesson.Steps[i].Title, ""
}

// result renders an applied step: commands, diff, checks.
func (w *Walk) result(s stepState, width int) string {
	st := w.st
	var b strings.Builder
	if len(s.res.Commands) > 0 {
		b.WriteString(st.Section.Render("Commands") + "\n")
		for _, c := range s.res.Commands {
			b.WriteString("  " + st.Prompt.Render("$") + " " + st.Command.Render(wrap(c, width-4, "    ")) + "\n")
		}
	}
	for _, n := range s.res.Notes {
		b.WriteString(w.gap() + st.Section.Render(n.Title) + "\n")
		for _, line := range strings.Split(strings.TrimRight(n.Body, "\n"), "\n") {
			b.WriteString("  " + truncate(line, width-2) + "\n")
		}
	}
	if s.err != nil {
		b.WriteString(w.gap() + st.Fail.Render("✗ "+s.err.Error()) + "\n")
		return b.String()
	}
	if !s.res.Diff.Empty() {
		b.WriteString(w.gap() + st.Section.Render("What changed") + "\n")
		b.WriteString(w.diff(s.res.Diff, width))
	} else if len(s.res.Commands) == 0 {
		b.WriteString(st.Subtle.Render("This step changes nothing: it looks at what is there.") + "\n")
	}
	if len(s.res.Checks) > 0 {
		b.WriteString(w.gap() + st.Section.Render("Checks") + "\n")
		b.WriteString(w.checks(s.res.Checks, width))
	}
	if s.took > 0 {
		b.WriteString(st.Subtle.Render(fmt.Sprintf("applied in %s", s.took.Round(100*time.Microsecond))) + "\n")
	}
	return b.String()
}

// checks renders check results: a mark, the title, the detail, the hint.
func (w *Walk) checks(cs []engine.CheckResult, width int) string {
	return renderChecks(w.st, cs, width)
}

// renderChecks is the one look of check results, in a step, in a verify
// report and in a practice task's live checks.
func renderChecks(st Styles, cs []engine.CheckResult, width int) string {
	var b strings.Builder
	for _, c := range cs {
		mark := st.Pass.Render("✓")
		if !c.Passed {
			mark = st.Fail.Render("✗")
		}
		line := c.Title
		if !c.Passed || showDetail(c) {
			line += " — " + c.Detail
		}
		b.WriteString("  " + mark + " " + wrap(line, width-4, "    ") + "\n")
		if !c.Passed && c.Hint != "" {
			b.WriteString("    " + st.Hint.Render(wrap("hint: "+c.Hint, width-4, "      ")) + "\n")
		}
	}
	return b.String()
}

// showDetail keeps a passed check to one line: its detail shows only when
// it adds something short (a ping's round trip), not the link line it read.
func showDetail(c engine.CheckResult) bool {
	return c.Detail != "" && c.Detail != c.Title && len(c.Detail) <= 32
}

// diff renders the changes grouped by namespace, each line wrapped to the
// pane: a link line of ip's shape is longer than 80 columns.
func (w *Walk) diff(d snapshot.Diff, width int) string {
	st := w.st
	var b strings.Builder
	cur := ""
	for _, c := range d.Changes {
		if c.Netns != cur {
			cur = c.Netns
			b.WriteString("  " + st.Netns.Render(cur) + "\n")
		}
		sign, style := "+", st.Pass
		if c.Sign == '-' {
			sign, style = "-", st.Fail
		}
		b.WriteString("    " + style.Render(sign+" "+wrap(c.Line, width-6, "      ")) + "\n")
	}
	return b.String()
}

// finishedContent is shown after the last step.
func (w *Walk) finishedContent() string {
	st := w.st
	return st.Title.Render("Lesson complete") + "\n\n" +
		fmt.Sprintf("All %d steps of %s are applied. The lab stays as it is.\n\n", len(w.lesson.Steps), w.lesson.ID) +
		"  " + st.Key.Render("v") + "  grade the end state, as `lab verify " + w.lesson.ID + "` does\n" +
		"  " + st.Key.Render("t") + "  draw the topology from the kernel\n" +
		"  " + st.Key.Render("p") + "  look back at a step\n" +
		"  " + st.Key.Render("q") + "  quit, keeping the lab or resetting it\n"
}

// verifyContent is the verify report.
func (w *Walk) verifyContent(width int) string {
	st, rep := w.st, w.report
	passed := 0
	for _, c := range rep.Checks {
		if c.Passed {
			passed++
		}
	}
	head := st.Pass.Render(fmt.Sprintf("Verify %s: all %d checks passed", rep.Lesson, len(rep.Checks)))
	if !rep.Passed {
		head = st.Fail.Render(fmt.Sprintf("Verify %s: %d of %d checks passed", rep.Lesson, passed, len(rep.Checks)))
	}
	return head + "\n\n" + w.checks(rep.Checks, width) + "\n" + st.Subtle.Render("esc or v to go back")
}

func (w *Walk) gap() string {
	if w.demo {
		return "\n\n"
	}
	return "\n"
}

// wrap breaks a long line at spaces to fit width, indenting continuations.
func wrap(s string, width int, indent string) string {
	if width < 20 || len(s) <= width {
		return s
	}
	var out strings.Builder
	line := 0
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if line+1+len(word) > width {
				out.WriteString("\n" + indent)
				line = len(indent)
			} else {
				out.WriteString(" ")
				line++
			}
		}
		out.WriteString(word)
		line += len(word)
	}
	return out.String()
}
