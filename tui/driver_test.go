package tui

// A synchronous driver: it feeds a message to a model and runs the commands
// the model returns in the test goroutine, feeding their messages back, as
// the bubbletea program would but in a fixed order and without timers.

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/cursor"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// fixedTook replaces a step's measured time, so views are deterministic.
const fixedTook = 1500 * time.Microsecond

// cmdLimit bounds one command: every command the fake engine makes returns
// at once, and the timers the driver runs (a demo tick at Pace 1ms, a
// cursor blink) in well under a second. A command that takes longer hangs.
const cmdLimit = 10 * time.Second

type driver struct {
	t     testing.TB
	m     tea.Model
	quits int           // tea.QuitMsg seen: the program would stop
	ticks []demoTickMsg // demo ticks waiting to be delivered
	msgs  []string      // the type of every message fed back, for failure messages
}

func newDriver(t testing.TB, m tea.Model) *driver { return &driver{t: t, m: m} }

// init runs the model's Init command.
func (d *driver) init() *driver {
	d.t.Helper()
	d.run(d.m.Init())
	return d
}

// send feeds msg to the model and runs what it returns.
func (d *driver) send(msg tea.Msg) *driver {
	d.t.Helper()
	var cmd tea.Cmd
	d.m, cmd = d.m.Update(msg)
	d.run(cmd)
	return d
}

// keys sends each key in turn: "n", "enter", "esc", "space", "ctrl+c", "?".
func (d *driver) keys(names ...string) *driver {
	d.t.Helper()
	for _, k := range names {
		d.send(keyPress(k))
	}
	return d
}

// typeText types s one rune at a time.
func (d *driver) typeText(s string) *driver {
	d.t.Helper()
	for _, r := range s {
		d.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return d
}

// size sends a WindowSizeMsg.
func (d *driver) size(w, h int) *driver {
	d.t.Helper()
	return d.send(tea.WindowSizeMsg{Width: w, Height: h})
}

// tick delivers the demo ticks scheduled so far (a tea.Tick of Pace).
func (d *driver) tick() *driver {
	d.t.Helper()
	ticks := d.ticks
	d.ticks = nil
	for _, tk := range ticks {
		d.send(tk)
	}
	return d
}

// run executes cmd and what follows from it.
func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	if cmd == nil {
		return
	}
	msg := d.exec(cmd)
	if msg == nil {
		return
	}
	// tea.Batch and tea.Sequence: slices of commands.
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		for i := range v.Len() {
			d.run(v.Index(i).Interface().(tea.Cmd))
		}
		return
	}
	d.msgs = append(d.msgs, fmt.Sprintf("%T", msg))
	switch m := msg.(type) {
	case tea.QuitMsg:
		d.quits++
	case spinner.TickMsg, cursor.BlinkMsg:
		// Dropped: the spinner stays on its first frame, the cursor still.
	case demoTickMsg:
		d.ticks = append(d.ticks, m)
	case stepDoneMsg:
		m.took = fixedTook
		d.send(m)
	default:
		if strings.HasSuffix(fmt.Sprintf("%T", msg), "initialBlinkMsg") {
			return // the cursor's first blink: dropped with the others
		}
		d.send(msg)
	}
}

// exec runs one command, failing the test if it does not return.
func (d *driver) exec(cmd tea.Cmd) tea.Msg {
	d.t.Helper()
	ch := make(chan tea.Msg, 1)
	go func() { ch <- cmd() }()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(cmdLimit):
		d.t.Fatalf("a command did not return within %s (messages so far: %v)", cmdLimit, d.msgs)
		return nil
	}
}

// view is the model's screen content.
func (d *driver) view() string { return d.m.View().Content }

// walk is the walkthrough under test (the model, or the App's).
func (d *driver) walk() *Walk {
	switch m := d.m.(type) {
	case *Walk:
		return m
	case *App:
		return m.walk
	}
	d.t.Fatalf("model %T has no walkthrough", d.m)
	return nil
}

// keyPress builds the KeyPressMsg a terminal sends, so that its String()
// is name (bubbletea v2: Text for printable keys, Code and Mod otherwise).
func keyPress(name string) tea.KeyPressMsg {
	switch name {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	}
	if c, ok := strings.CutPrefix(name, "ctrl+"); ok && len(c) == 1 {
		return tea.KeyPressMsg{Code: rune(c[0]), Mod: tea.ModCtrl}
	}
	r := []rune(name)
	if len(r) != 1 {
		panic("keyPress: unknown key " + name)
	}
	return tea.KeyPressMsg{Code: r[0], Text: name}
}

func TestKeyPressStrings(t *testing.T) {
	for _, k := range []string{"n", "p", "q", "enter", "esc", "space", "ctrl+c", "?", "/", "up", "pgdown"} {
		if got := keyPress(k).String(); got != k {
			t.Errorf("keyPress(%q).String() = %q", k, got)
		}
	}
}

// wantView fails unless the view holds every part.
func wantView(t testing.TB, view string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(view, p) {
			t.Errorf("view does not contain %q:\n%s", p, view)
		}
	}
}

// wantNotView fails when the view holds any part.
func wantNotView(t testing.TB, view string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(view, p) {
			t.Errorf("view contains %q:\n%s", p, view)
		}
	}
}

// wantFits fails when a line of the view is wider than width or the view
// has more lines than height.
func wantFits(t testing.TB, what, view string, width, height int) {
	t.Helper()
	if err := fits(view, width, height); err != "" {
		t.Errorf("%s at %dx%d: %s\nview:\n%s", what, width, height, err, view)
	}
}

// fits says how view overflows a width x height terminal, or "".
func fits(view string, width, height int) string {
	lines := strings.Split(view, "\n")
	for i, l := range lines {
		if w := lipgloss.Width(l); w > width {
			return fmt.Sprintf("line %d is %d columns wide: %q", i+1, w, l)
		}
	}
	if len(lines) > height {
		return fmt.Sprintf("%d lines", len(lines))
	}
	return ""
}
