package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cnilab/lab/engine"
)

// printer renders engine events as plain text for `lab run`. The TUI renders
// the same events.
type printer struct {
	w      io.Writer
	color  bool
	steps  int
	failed int
	checks int
}

func newPrinter(w io.Writer, steps int) *printer {
	return &printer{w: w, steps: steps, color: useColor(w)}
}

// useColor follows NO_COLOR (no-color.org) and colours only terminals.
func useColor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *printer) paint(code, s string) string {
	if !p.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p *printer) event(e engine.Event) {
	switch e.Type {
	case engine.StepStarted:
		fmt.Fprintf(p.w, "\n%s %s\n", p.paint("1", fmt.Sprintf("[%d/%d]", e.Step+1, p.steps)), p.paint("1", e.Title))
	case engine.StepApplied:
		for _, c := range e.Commands {
			fmt.Fprintf(p.w, "  %s %s\n", p.paint("36", "$"), c)
		}
		for _, n := range e.Notes {
			fmt.Fprintf(p.w, "  %s\n", p.paint("1", n.Title))
			for _, l := range strings.Split(strings.TrimRight(n.Body, "\n"), "\n") {
				fmt.Fprintf(p.w, "    %s\n", l)
			}
		}
		if e.Err != nil {
			fmt.Fprintf(p.w, "  %s %v\n", p.paint("31", "error:"), e.Err)
			return
		}
		e.Diff.Render(&indent{w: p.w}, p.color)
	case engine.CheckDone:
		p.check(e.Check)
	}
}

func (p *printer) check(c engine.CheckResult) {
	p.checks++
	defer p.captured(c.Captured)
	if c.Passed {
		fmt.Fprintf(p.w, "  %s %s: %s\n", p.paint("32", "✓"), c.Title, c.Detail)
		return
	}
	p.failed++
	fmt.Fprintf(p.w, "  %s %s: %s\n", p.paint("31", "✗"), c.Title, c.Detail)
	if c.Hint != "" {
		fmt.Fprintf(p.w, "      hint: %s\n", c.Hint)
	}
}

// maxCaptured bounds the packets shown under a capture check.
const maxCaptured = 6

// captured prints what a capture check saw, as tcpdump would.
func (p *printer) captured(lines []string) {
	for i, l := range lines {
		if i == maxCaptured {
			fmt.Fprintf(p.w, "      %s\n", p.paint("2", fmt.Sprintf("… %d more", len(lines)-maxCaptured)))
			break
		}
		fmt.Fprintf(p.w, "      %s\n", p.paint("2", l))
	}
}

// indent shifts every line written through it by two spaces; a line may
// come in several writes.
type indent struct {
	w       io.Writer
	midLine bool // the last write ended inside a line
}

func (i *indent) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		if !i.midLine {
			if _, err := io.WriteString(i.w, "  "); err != nil {
				return 0, err
			}
		}
		line := b
		if j := bytes.IndexByte(b, '\n'); j >= 0 {
			line = b[:j+1]
		}
		if _, err := i.w.Write(line); err != nil {
			return 0, err
		}
		i.midLine = line[len(line)-1] != '\n'
		b = b[len(line):]
	}
	return n, nil
}
