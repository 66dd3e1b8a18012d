package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkKeyPress is how long a key that re-renders a step takes to
// answer: Update then View, at 120x40 with colour on, alternating p and n
// between two applied steps (the prose's markdown is cached by then, as it
// is after the learner's first look at a step). The budget is a frame, 16ms.
func BenchmarkKeyPress(b *testing.B) {
	f := newFakeEngine(b)
	w := NewWalk(f, f.lesson(b, "veth"), NewStyles(true, false), WalkOptions{})
	d := newDriver(b, w).size(120, 40).init()
	d.keys("n", "n", "n") // steps 1 and 2 applied, step 2 on screen
	if w.cursor != 1 || !w.steps[0].applied || !w.steps[1].applied {
		b.Fatalf("setup: cursor %d", w.cursor)
	}
	keys := [2]tea.KeyPressMsg{keyPress("p"), keyPress("n")}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m, cmd := w.Update(keys[i%2])
		if cmd != nil {
			b.Fatal("p or n on applied steps returned a command")
		}
		if len(m.View().Content) == 0 {
			b.Fatal("empty view")
		}
	}
	b.StopTimer()
	if f.countPrefix("step ") != 2 {
		b.Fatalf("the benchmark applied steps: %v", f.Calls())
	}
}

// BenchmarkKeyPressFirstRender is the same key on a step whose prose was
// never rendered at that width: the markdown cost a learner pays once per
// step and width.
func BenchmarkKeyPressFirstRender(b *testing.B) {
	f := newFakeEngine(b)
	l := f.lesson(b, "veth")
	for b.Loop() {
		b.StopTimer()
		w := NewWalk(f, l, NewStyles(true, false), WalkOptions{})
		d := newDriver(b, w).size(120, 40).init()
		d.keys("n")
		b.StartTimer()
		w.Update(keyPress("n")) // step 2: its prose is new
		w.View()
	}
}
